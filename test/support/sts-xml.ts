export * from './sts-emulator/xml.ts';
