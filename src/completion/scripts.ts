import { fishQuote, shQuote } from '../output/quoting.ts';
import type { CommandSpec, FlagSpec } from './command-spec.ts';

/**
 * Completion scripts for bash, zsh and fish. Commands and flags are written into the script; profile names
 * are read when completing (`tfmfa list --names`), so a new profile completes without regenerating it.
 * Profile names are never evaluated by the shell: bash reads them line by line, zsh splits on newlines,
 * fish takes them as command output.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const PROFILES_COMMAND = 'command tfmfa list --names 2>/dev/null';

function kindName(spec: CommandSpec): string {
  return spec.positional.kind;
}

function words(spec: CommandSpec): string[] {
  return spec.positional.kind === 'words' ? spec.positional.words : [];
}

function valuedFlags(spec: CommandSpec): string[] {
  return spec.flags.filter((f) => f.takesValue).flatMap((f) => (f.short ? [f.name, f.short] : [f.name]));
}

function withChoices(spec: CommandSpec): FlagSpec[] {
  return spec.flags.filter((f) => f.choices.length > 0);
}

export function bashScript(specs: CommandSpec[]): string {
  const top = [...specs.map((s) => s.name), '--help', '--version'].join(' ');
  const cases = specs.map((spec) => {
    const flags = spec.flags.map((f) => f.name).join(' ');
    return (
      `        ${spec.name}) flags=${shQuote(flags)}; valued=${shQuote(valuedFlags(spec).join(' '))}; ` +
      `kind=${kindName(spec)}; words=${shQuote(words(spec).join(' '))} ;;`
    );
  });
  const choiceCases = specs.flatMap((spec) =>
    withChoices(spec).map((flag) => {
      const patterns = [flag.name, ...(flag.short ? [flag.short] : [])]
        .map((name) => shQuote(`${spec.name} ${name}`))
        .join('|');
      return (
        `            ${patterns}) COMPREPLY=($(compgen -W ${shQuote(flag.choices.join(' '))} -- "$cur")); ` +
        `return 0 ;;`
      );
    }),
  );
  return `# tfmfa completion for bash: commands, flags, and the profile names of your AWS config (read as you type).
# Load it from ~/.bashrc:  source <(tfmfa completion bash)

_tfmfa_profiles() {
    local name
    while IFS= read -r name; do
        [[ -n $name && $name == "$1"* ]] && COMPREPLY+=("$name")
    done < <(${PROFILES_COMMAND})
}

_tfmfa() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if (( COMP_CWORD == 1 )); then
        COMPREPLY=($(compgen -W ${shQuote(top)} -- "$cur"))
        return 0
    fi
    local cmd=\${COMP_WORDS[1]} flags='' valued='' kind='' words=''
    case $cmd in
${cases.join('\n')}
        *) return 0 ;;
    esac
    # Walk the words before the cursor: options (and their values), positionals, and where exec's command starts.
    local i word positionals=0 cmdindex=0
    for (( i = 2; i < COMP_CWORD; i++ )); do
        word=\${COMP_WORDS[i]}
        if [[ $kind == profile-command && $word == -- ]]; then cmdindex=$((i + 1)); break; fi
        if [[ $word == -?* ]]; then
            [[ $word != *=* && " $valued " == *" $word "* ]] && i=$((i + 1))
            continue
        fi
        positionals=$((positionals + 1))
        if [[ $kind == profile-command ]] && (( positionals == 2 )); then cmdindex=$i; break; fi
    done
    if [[ $kind == profile-command ]] && (( cmdindex == 0 && positionals == 1 )) && [[ $cur != -* ]]; then
        cmdindex=$COMP_CWORD
    fi
    if (( cmdindex > 0 )); then
        # The command exec runs: its own completion when bash-completion is loaded, else command and file names.
        if declare -F _command_offset >/dev/null; then
            _command_offset "$cmdindex"
        elif (( cmdindex == COMP_CWORD )); then
            COMPREPLY=($(compgen -c -- "$cur"))
        fi
        return 0
    fi
    if [[ " $valued " == *" $prev "* ]]; then
        case "$cmd $prev" in
${choiceCases.join('\n')}
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return 0
    fi
    case $kind in
        profile|profile-command) (( positionals == 0 )) && _tfmfa_profiles "$cur" ;;
        profiles) _tfmfa_profiles "$cur" ;;
        words) (( positionals == 0 )) && COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
    esac
    if (( \${#COMPREPLY[@]} > 0 )); then compopt +o default 2>/dev/null; fi
    return 0
}

complete -o bashdefault -o default -F _tfmfa tfmfa
`;
}

/** `name:description` for zsh's _describe, with colons in the name escaped. */
function zshItem(name: string, description: string): string {
  return shQuote(`${name.replace(/:/g, '\\:')}:${description}`);
}

export function zshScript(specs: CommandSpec[]): string {
  const commands = specs.map((s) => zshItem(s.name, s.summary)).join(' ');
  const cases = specs.map((spec) => {
    const flags = spec.flags.map((f) => zshItem(f.name, f.description)).join(' ');
    return (
      `        (${spec.name}) flags=(${flags}); valued=(${valuedFlags(spec).map(shQuote).join(' ')}); ` +
      `kind=${kindName(spec)}; wordlist=(${words(spec).map(shQuote).join(' ')}) ;;`
    );
  });
  const choiceCases = specs.flatMap((spec) =>
    withChoices(spec).map((flag) => {
      const patterns = [flag.name, ...(flag.short ? [flag.short] : [])]
        .map((name) => shQuote(`${spec.name} ${name}`))
        .join('|');
      return `            (${patterns}) compadd -- ${flag.choices.map(shQuote).join(' ')}; return ;;`;
    }),
  );
  return `#compdef tfmfa
# tfmfa completion for zsh: commands, flags, and the profile names of your AWS config (read as you type).
# Load it from ~/.zshrc, after compinit:  source <(tfmfa completion zsh)
# or save it as a file named _tfmfa in a directory of $fpath.

_tfmfa_profiles() {
    local -a profiles
    profiles=(\${(f)"$(${PROFILES_COMMAND})"})
    (( \${#profiles} )) && compadd -- "\${profiles[@]}"
}

_tfmfa() {
    local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
    if (( CURRENT == 2 )); then
        local -a commands
        commands=(${commands})
        _describe -t commands 'tfmfa command' commands
        return
    fi
    local cmd=\${words[2]} kind=''
    local -a flags valued wordlist
    case $cmd in
${cases.join('\n')}
        (*) return 1 ;;
    esac
    local i word positionals=0 cmdindex=0
    for (( i = 3; i < CURRENT; i++ )); do
        word=\${words[i]}
        if [[ $kind == profile-command && $word == -- ]]; then cmdindex=$((i + 1)); break; fi
        if [[ $word == -?* ]]; then
            [[ $word != *=* ]] && (( \${valued[(Ie)$word]} )) && i=$((i + 1))
            continue
        fi
        positionals=$((positionals + 1))
        if [[ $kind == profile-command ]] && (( positionals == 2 )); then cmdindex=$i; break; fi
    done
    if [[ $kind == profile-command ]] && (( cmdindex == 0 && positionals == 1 )) && [[ $cur != -* ]]; then
        cmdindex=$CURRENT
    fi
    if (( cmdindex > 0 )); then
        # The command exec runs, completed as if it were typed on its own.
        words=("\${(@)words[cmdindex,-1]}")
        (( CURRENT -= cmdindex - 1 ))
        _normal
        return
    fi
    if (( \${valued[(Ie)$prev]} )); then
        case "$cmd $prev" in
${choiceCases.join('\n')}
        esac
        _files
        return
    fi
    if [[ $cur == -* ]]; then
        _describe -t options 'option' flags
        return
    fi
    case $kind in
        (profile|profile-command) (( positionals == 0 )) && _tfmfa_profiles ;;
        (profiles) _tfmfa_profiles ;;
        (words) (( positionals == 0 )) && compadd -- "\${wordlist[@]}" ;;
    esac
}

if [[ $funcstack[1] == _tfmfa ]]; then
    _tfmfa "$@"
else
    compdef _tfmfa tfmfa
fi
`;
}

export function fishScript(specs: CommandSpec[]): string {
  const lines: string[] = [
    '# tfmfa completion for fish: commands, flags, and the profile names of your AWS config (read as you type).',
    '# Load it:  tfmfa completion fish | source',
    '# or save it as ~/.config/fish/completions/tfmfa.fish',
    '',
    "# The positionals of the command being completed: argv is the command's options that take a value.",
    'function __tfmfa_positionals',
    '    set -l tokens (commandline -opc)',
    '    set -l count 0',
    '    set -l skip 0',
    '    for token in $tokens[3..-1]',
    '        if test $skip -eq 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $token',
    "            case '--'",
    '                set count (math $count + 1)',
    "            case '-?*=*'",
    "            case '-?*'",
    '                if contains -- $token $argv',
    '                    set skip 1',
    '                end',
    "            case '*'",
    '                set count (math $count + 1)',
    '        end',
    '    end',
    '    echo $count',
    'end',
    '',
    '# True when completing COMMAND (first argument) at a positional accepted by KIND (second argument).',
    'function __tfmfa_at',
    '    set -l tokens (commandline -opc)',
    '    test (count $tokens) -ge 2; and test "$tokens[2]" = "$argv[1]"; or return 1',
    '    set -l n (__tfmfa_positionals $argv[3..-1])',
    '    switch $argv[2]',
    '        case first',
    '            test $n -eq 0',
    '        case any',
    '            return 0',
    '        case command',
    '            test $n -ge 1',
    '        case options',
    '            test $n -le 1',
    '    end',
    'end',
    '',
    'function __tfmfa_command_is',
    '    set -l tokens (commandline -opc)',
    '    test (count $tokens) -ge 2; and test "$tokens[2]" = "$argv[1]"',
    'end',
    '',
    'complete -c tfmfa -f',
    "complete -c tfmfa -n '__fish_use_subcommand' -s h -l help -d 'show help'",
    "complete -c tfmfa -n '__fish_use_subcommand' -s v -l version -d 'show the version'",
  ];
  for (const spec of specs) {
    lines.push(`complete -c tfmfa -n '__fish_use_subcommand' -a ${fishQuote(spec.name)} -d ${fishQuote(spec.summary)}`);
  }
  for (const spec of specs) {
    const valued = valuedFlags(spec).join(' ');
    const condition = (where: string) => fishQuote(`__tfmfa_at ${spec.name} ${where}${valued ? ` ${valued}` : ''}`);
    const flagCondition =
      spec.positional.kind === 'profile-command' ? condition('options') : fishQuote(`__tfmfa_command_is ${spec.name}`);
    lines.push('');
    for (const flag of spec.flags) {
      const parts = [`complete -c tfmfa -n ${flagCondition}`, `-l ${flag.name.slice(2)}`];
      if (flag.short) parts.push(`-s ${flag.short.slice(1)}`);
      if (flag.takesValue) parts.push(flag.choices.length ? `-x -a ${fishQuote(flag.choices.join(' '))}` : '-r');
      if (flag.description) parts.push(`-d ${fishQuote(flag.description)}`);
      lines.push(parts.join(' '));
    }
    const profiles = `-a '(${PROFILES_COMMAND})'`;
    switch (spec.positional.kind) {
      case 'profile':
        lines.push(`complete -c tfmfa -n ${condition('first')} ${profiles} -d profile`);
        break;
      case 'profiles':
        lines.push(`complete -c tfmfa -n ${condition('any')} ${profiles} -d profile`);
        break;
      case 'profile-command':
        lines.push(`complete -c tfmfa -n ${condition('first')} ${profiles} -d profile`);
        lines.push(`complete -c tfmfa -n ${condition('command')} -a '(__fish_complete_subcommand --fcs-skip=3)' -F`);
        break;
      case 'words':
        lines.push(`complete -c tfmfa -n ${condition('first')} -a ${fishQuote(spec.positional.words.join(' '))}`);
        break;
      case 'none':
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}
