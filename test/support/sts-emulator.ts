export * from './sts-emulator/index.ts';
