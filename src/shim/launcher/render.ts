import { minimumTtlSeconds } from '../../environment/variables.ts';
import { TICKET_HEADER, TICKET_NAME, TICKET_PROFILE } from '../../store/ticket-format.ts';
import { STACK_VARIABLE } from '../loop-guard.ts';
import { PASSTHROUGH } from '../passthrough.ts';
import { LAUNCHER_MARKER } from '../real-binary.ts';
import { TOOL_NAME } from '../tools.ts';

/**
 * The shell launcher: the one template behind `shims/*` (written by `npm run build`) and the files
 * `tfmfa shim install` writes. With a valid ticket for the profile it execs the real tool itself, without
 * Node; in every other case it execs tfmfa's Node entry point as `cli.js __shim TOOL ARGS...`, which behaves
 * exactly as a Node shim named TOOL. The rules it shares with Node are baked in from their TypeScript sources
 * (pass-through list, ticket format, default TTL, name patterns), so the two paths cannot drift.
 *
 * POSIX sh only: no external command and no subshell on the fast path, never `eval`/`.` on ticket data (the
 * ticket is read with `IFS= read -r` and applied with `export "NAME=value"` / `unset -v NAME`). Every internal
 * variable starts with `_tf_`; if the environment already has one, the launcher goes straight to Node so that
 * it never changes a variable the tool would inherit.
 */

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/*
 * The shell patterns below are hand translations of these regular expressions: a change to one of them must
 * be made here too (the build fails until it is).
 */
const TRANSLATED: Array<[RegExp, string]> = [
  [TICKET_NAME, '^(AWS|TFMFA)_[A-Z0-9_]+$'],
  [TICKET_PROFILE, '^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}$'],
  [TOOL_NAME, '^[A-Za-z0-9._+-]+$'],
];

/** Single-quotes a word for sh. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function passthroughCases(): string {
  const lines: string[] = [];
  for (const [tool, commands] of Object.entries(PASSTHROUGH)) {
    if (commands.length === 0) continue;
    lines.push(`  ${shellQuote(tool)}) case $_tf_arg in ${commands.map(shellQuote).join('|')}) _tf_pass=1 ;; esac ;;`);
  }
  return lines.join('\n');
}

export interface LauncherOptions {
  /** Absolute path of tfmfa's Node entry point (installed copies); package copies find `../dist/cli.js`. */
  entry?: string;
}

export function renderLauncher(options: LauncherOptions = {}): string {
  for (const [regex, source] of TRANSLATED) {
    if (regex.source !== source) throw new Error(`launcher template: ${source} changed to ${regex.source}: update the shell patterns in src/shim/launcher-template.ts`);
  }
  const entry = options.entry ?? '';
  if (entry !== '' && (!entry.startsWith('/') || /[\n\0]/.test(entry))) throw new Error(`launcher entry must be an absolute path without newlines: ${JSON.stringify(entry)}`);
  const defaultMinTtl = String(minimumTtlSeconds({}));
  const bakedEntry = shellQuote(entry);
  const body = `#!/bin/sh
${LAUNCHER_MARKER}
# tfmfa's shim (generated from src/shim/launcher-template.ts: do not edit). Runs the real tool found later
# on PATH with the profile's ticket applied, or hands over to tfmfa (Node) for everything else. The ticket
# is read as data, never sourced or evaluated.
if [ -n "@CLASH@" ]; then
  ${entry ? `[ -f ${bakedEntry} ] && exec ${bakedEntry} __shim "\${0##*/}" "$@"\n  ` : ''}case $0 in */*) [ -f "\${0%/*}/../dist/cli.js" ] && exec "\${0%/*}/../dist/cli.js" __shim "\${0##*/}" "$@" ;; esac
  exec tfmfa __shim "\${0##*/}" "$@"
fi
_tf_tool=\${0##*/}
_tf_entry=${bakedEntry}
_tf_mistaken=
_tf_base=\${${STACK_VARIABLE}-}

# Hand over to Node: same tool, untouched arguments and (apart from the stack fix below) environment.
_tf_node() {
  if [ -n "$_tf_mistaken" ]; then
    if [ -n "$_tf_base" ]; then ${STACK_VARIABLE}=$_tf_base; export ${STACK_VARIABLE}; else unset -v ${STACK_VARIABLE}; fi
  fi
  if [ -z "$_tf_entry" ]; then
    printf '%s\\n' "tfmfa: the $_tf_tool shim cannot find tfmfa (no dist/cli.js beside it, no tfmfa on PATH): reinstall tfmfa, then run 'tfmfa shim install --force'" >&2
    exit 127
  fi
  exec "$_tf_entry" __shim "$_tf_tool" "$@"
}

# The Node entry: baked (installed copies), else the package's dist/cli.js, else tfmfa on PATH.
if [ -z "$_tf_entry" ] || [ ! -f "$_tf_entry" ]; then
  case $0 in */*) _tf_entry=\${0%/*}/../dist/cli.js ;; *) _tf_entry=../dist/cli.js ;; esac
  if [ ! -f "$_tf_entry" ]; then
    _tf_entry=
    _tf_p=\${PATH-}:
    while [ -n "$_tf_p" ]; do
      _tf_d=\${_tf_p%%:*}
      _tf_p=\${_tf_p#*:}
      if [ -f "\${_tf_d:-.}/tfmfa" ] && [ -x "\${_tf_d:-.}/tfmfa" ]; then _tf_entry=\${_tf_d:-.}/tfmfa; break; fi
    done
  fi
fi

case $_tf_tool in ''|.|..|*[!${UPPER}${LOWER}${DIGITS}._+-]*) _tf_node "$@" ;; esac
[ "\${TFMFA_DEBUG-}" = 1 ] && _tf_node "$@"

# Started as "the real binary" by another tfmfa launcher (a second copy later on PATH): drop that stack entry
# and look for the real binary only after this copy's own place on PATH, as Node (which skips launchers) does.
_tf_skip=
_tf_d=\${_tf_base##*|}
case $_tf_d in
  "$_tf_tool="?*)
    if [ "\${_tf_d#"$_tf_tool="}" -ef "$0" ]; then
      _tf_mistaken=1
      _tf_skip=1
      case $_tf_base in *'|'*) _tf_base=\${_tf_base%|*} ;; *) _tf_base= ;; esac
    fi ;;
esac

# The real binary: the first executable $_tf_tool on PATH that is neither this launcher nor tfmfa's entry.
_tf_real=
_tf_p=\${PATH-}:
while [ -n "$_tf_p" ]; do
  _tf_d=\${_tf_p%%:*}
  _tf_p=\${_tf_p#*:}
  _tf_c=\${_tf_d:-.}/$_tf_tool
  if [ -f "$_tf_c" ] && [ -x "$_tf_c" ]; then
    if [ "$_tf_c" -ef "$0" ]; then
      _tf_skip=
    elif [ -z "$_tf_skip" ] && ! [ "$_tf_c" -ef "$_tf_entry" ]; then
      _tf_real=$_tf_c
      break
    fi
  fi
done
[ -n "$_tf_real" ] || _tf_node "$@"
# The loop guard (src/shim/loop-guard.ts): starting the same binary again for the same tool is Node's error.
case "|$_tf_base|" in *"|$_tf_tool=$_tf_real|"*) _tf_node "$@" ;; esac
_tf_stack=\${_tf_base:+$_tf_base|}$_tf_tool=$_tf_real

# A session already in the environment (ours or aws-vault's marker, with keys or an exec --server endpoint;
# hasSessionFor in src/launch/environment.ts): run the tool untouched.
if [ -n "\${TFMFA_PROFILE:-\${AWS_VAULT-}}" ]; then
  if { [ -n "\${AWS_ACCESS_KEY_ID-}" ] && [ -n "\${AWS_SECRET_ACCESS_KEY-}" ]; } ||
     { [ -n "\${AWS_CONTAINER_CREDENTIALS_FULL_URI-}" ] && [ -n "\${AWS_CONTAINER_AUTHORIZATION_TOKEN-}" ]; }; then
    ${STACK_VARIABLE}=$_tf_stack; export ${STACK_VARIABLE}
    exec "$_tf_real" "$@"
  fi
fi

# Commands that need no credentials (src/shim/passthrough.ts), after leading -chdir=DIR options.
[ -n "\${TFMFA_PASSTHROUGH-}" ] && _tf_node "$@"
_tf_arg=
for _tf_a do
  case $_tf_a in -chdir=*) continue ;; esac
  _tf_arg=$_tf_a
  break
done
_tf_pass=
case $_tf_tool in
${passthroughCases()}
esac
if [ -n "$_tf_pass" ]; then
  ${STACK_VARIABLE}=$_tf_stack; export ${STACK_VARIABLE}
  exec "$_tf_real" "$@"
fi

# The profile's ticket (src/ticket/format.ts, src/ticket/read.ts).
_tf_profile=\${AWS_PROFILE:-\${AWS_DEFAULT_PROFILE:-\${TFMFA_DEFAULT_PROFILE:-default}}}
case $_tf_profile in [${UPPER}${LOWER}${DIGITS}_]*) ;; *) _tf_node "$@" ;; esac
case \${_tf_profile#?} in *[!${UPPER}${LOWER}${DIGITS}._@+-]*) _tf_node "$@" ;; esac
[ \${#_tf_profile} -le 128 ] || _tf_node "$@"
_tf_cache=\${TFMFA_CACHE_DIR:-\${XDG_CACHE_HOME:+$XDG_CACHE_HOME/tfmfa}}
if [ -z "$_tf_cache" ]; then
  [ -n "\${HOME-}" ] || _tf_node "$@"
  _tf_cache=$HOME/.cache/tfmfa
fi
_tf_cfg=\${TFMFA_CONFIG_FILE:-\${AWS_CONFIG_FILE-}}
_tf_cred=\${TFMFA_CREDENTIALS_FILE:-\${AWS_SHARED_CREDENTIALS_FILE-}}
if [ -z "$_tf_cfg" ] || [ -z "$_tf_cred" ]; then
  [ -n "\${HOME-}" ] || _tf_node "$@"
  _tf_cfg=\${_tf_cfg:-$HOME/.aws/config}
  _tf_cred=\${_tf_cred:-$HOME/.aws/credentials}
fi
_tf_min=\${TFMFA_MIN_TTL:-${defaultMinTtl}}
case $_tf_min in *[!${DIGITS}]*) ;; *) while :; do case $_tf_min in 0?*) _tf_min=\${_tf_min#0} ;; *) break ;; esac; done ;; esac
if [ "\${TFMFA_OVERLAY-}" = 0 ]; then _tf_ov=0; else _tf_ov=1; fi
_tf_t=$_tf_cache/tickets/$_tf_profile.ticket
# Ours and no symlink (cache dir, tickets dir, ticket); the deadline stamp (expiry minus the minimum TTL)
# newer than a clock stamp touched now; neither AWS file newer than the ticket.
[ -d "$_tf_cache" ] && [ ! -L "$_tf_cache" ] && [ -O "$_tf_cache" ] \\
  && [ -d "$_tf_cache/tickets" ] && [ ! -L "$_tf_cache/tickets" ] && [ -O "$_tf_cache/tickets" ] \\
  && [ -f "$_tf_t" ] && [ ! -L "$_tf_t" ] && [ -O "$_tf_t" ] \\
  && [ ! -L "$_tf_cache/tickets/.clock" ] && true 2>/dev/null >"$_tf_cache/tickets/.clock" \\
  && [ "$_tf_cache/tickets/$_tf_profile.deadline" -nt "$_tf_cache/tickets/.clock" ] \\
  && ! [ "$_tf_cfg" -nt "$_tf_t" ] && ! [ "$_tf_cred" -nt "$_tf_t" ] || _tf_node "$@"

_tf_nl='
'
_tf_ok=
{
  # Pass 1 (fd 3): validate everything; nothing is applied unless the whole ticket is good.
  _tf_st=h _tf_n=0 _tf_line= _tf_tmin= _tf_tov=1 _tf_tcfg= _tf_tcred= _tf_region= _tf_unsets=
  while IFS= read -r _tf_line; do
    if [ "$_tf_n" -gt 0 ]; then _tf_n=$((_tf_n - 1)); continue; fi
    case $_tf_st in
      h) if [ "$_tf_line" = ${shellQuote(TICKET_HEADER)} ]; then _tf_st=b; continue; fi; _tf_st=x; break ;;
      e) _tf_st=x; break ;;
    esac
    case $_tf_line in
      *' '*) _tf_w=\${_tf_line%% *} _tf_v=\${_tf_line#* } ;;
      *) _tf_w=$_tf_line _tf_v= ;;
    esac
    case $_tf_w in
      end) _tf_st=e ;;
      min_ttl)
        case $_tf_v in ''|*[!${DIGITS}]*) _tf_st=x; break ;; esac
        while :; do case $_tf_v in 0?*) _tf_v=\${_tf_v#0} ;; *) break ;; esac; done
        _tf_tmin=$_tf_v ;;
      overlay) case $_tf_v in 0|1) _tf_tov=$_tf_v ;; *) _tf_st=x; break ;; esac ;;
      config) _tf_tcfg=$_tf_v ;;
      credentials) _tf_tcred=$_tf_v ;;
      region) _tf_region=$_tf_v ;;
      unset)
        case $_tf_v in AWS_?*|TFMFA_?*) ;; *) _tf_st=x; break ;; esac
        case \${_tf_v#*_} in *[!${UPPER}${DIGITS}_]*) _tf_st=x; break ;; esac
        _tf_unsets="$_tf_unsets $_tf_v" ;;
      set)
        _tf_k=\${_tf_v%% *} _tf_c=\${_tf_v#* }
        case $_tf_k in AWS_?*|TFMFA_?*) ;; *) _tf_st=x; break ;; esac
        case \${_tf_k#*_} in *[!${UPPER}${DIGITS}_]*) _tf_st=x; break ;; esac
        case $_tf_c in ''|*[!${DIGITS}]*) _tf_st=x; break ;; esac
        while :; do case $_tf_c in 0?*) _tf_c=\${_tf_c#0} ;; *) break ;; esac; done
        case $_tf_c in 0|???????*) _tf_st=x; break ;; esac
        _tf_n=$_tf_c ;;
      *) _tf_st=x; break ;;
    esac
  done <&3
  if [ "$_tf_st" = e ] && [ "$_tf_n" -eq 0 ] && [ -z "$_tf_line" ] \\
    && [ "$_tf_tmin" = "$_tf_min" ] && [ "$_tf_tov" = "$_tf_ov" ] \\
    && [ -n "$_tf_tcfg" ] && [ "$_tf_tcfg" = "$_tf_cfg" ] && [ -n "$_tf_tcred" ] && [ "$_tf_tcred" = "$_tf_cred" ]; then
    # The region rule (regionChanges in src/launch/environment.ts), decided on the environment as it was.
    _tf_r=\${AWS_REGION:-\${AWS_DEFAULT_REGION:-$_tf_region}}
    _tf_hr=\${AWS_REGION:+1} _tf_hdr=\${AWS_DEFAULT_REGION:+1}
    # Pass 2: every unset, then (fd 4, the same file) every set, so that a set wins as in mergeChanges.
    while [ -n "$_tf_unsets" ]; do
      _tf_unsets=\${_tf_unsets# }
      _tf_k=\${_tf_unsets%% *}
      _tf_unsets=\${_tf_unsets#"$_tf_k"}
      unset -v "$_tf_k"
    done
    _tf_n=0
    while IFS= read -r _tf_line; do
      if [ "$_tf_n" -gt 0 ]; then
        if [ -n "$_tf_first" ]; then _tf_val=$_tf_line _tf_first=; else _tf_val=$_tf_val$_tf_nl$_tf_line; fi
        _tf_n=$((_tf_n - 1))
        [ "$_tf_n" -eq 0 ] && export "$_tf_k=$_tf_val"
        continue
      fi
      case $_tf_line in
        'set '*) _tf_v=\${_tf_line#set } _tf_first=1; _tf_k=\${_tf_v%% *} _tf_n=\${_tf_v#* } ;;
        end) break ;;
      esac
    done <&4
    if [ -n "$_tf_r" ]; then
      [ -n "$_tf_hr" ] || export AWS_REGION="$_tf_r"
      [ -n "$_tf_hdr" ] || export AWS_DEFAULT_REGION="$_tf_r"
    fi
    _tf_ok=1
  fi
} 2>/dev/null 3<"$_tf_t" 4<"$_tf_t"
[ -n "$_tf_ok" ] || _tf_node "$@"
${STACK_VARIABLE}=$_tf_stack; export ${STACK_VARIABLE}
exec "$_tf_real" "$@"
`;
  const internal = [...new Set(body.match(/\b_tf_[a-z0-9_]+/g) ?? [])].filter((name) => name !== '_tf_node').sort();
  return body.replace('@CLASH@', internal.map((name) => `\${${name}+1}`).join(''));
}
