#!/bin/sh
@LAUNCHER_MARKER@
# shellcheck disable=SC3013 # test -nt / -ef: not in POSIX, but in every sh there is (dash, bash, ash, ksh)
# shellcheck disable=SC2030,SC2031 # _tf_own_exec reads a link in a pipeline's subshell, and execs there
# tfmfa's shim (generated from src/shim/launcher/launcher.sh: do not edit). Runs the real tool found later
# on PATH with the profile's ticket applied, or hands over to tfmfa (Node) for everything else. The ticket
# is read as data, never sourced or evaluated.
# The package's `tfmfa` command is this file too (package.json "bin"): everything it does not serve goes to the
# package's dist/cli.js, with the arguments as given. npm links the bin to shims/tfmfa: PREFIX/bin/tfmfa →
# PREFIX/lib/node_modules/tfmfa (npm install -g), node_modules/.bin/tfmfa → node_modules/tfmfa (npx, a local
# install); a checkout runs shims/tfmfa itself. A candidate counts only if its shims/tfmfa is this very file
# (-ef). Any other link (ln -s CHECKOUT/shims/tfmfa ~/bin): run its target, whose directory is the package's.
_tf_own_exec() {
  case $0 in */*) _tf_f=${0%/*} ;; *) _tf_f=. ;; esac
  for _tf_l in "$_tf_f/.." "$_tf_f/../lib/node_modules/tfmfa" "$_tf_f/../tfmfa"; do
    if [ -f "$_tf_l/dist/cli.js" ] && [ "$_tf_l/shims/tfmfa" -ef "$0" ]; then exec "$_tf_l/dist/cli.js" "$@"; fi
  done
  if [ -L "$0" ]; then
    # The pipeline's subshell reads the link and becomes its target, with the caller's stdin back (fd 3).
    exec 3<&0
    readlink -- "$0" | {
      IFS= read -r _tf_l || exit 127
      case $_tf_l in /*) ;; *) _tf_l=$_tf_f/$_tf_l ;; esac
      exec "$_tf_l" "$@" 0<&3 3<&-
    }
    exit
  fi
  printf '%s\n' "tfmfa: $0 finds no dist/cli.js of its package beside it: reinstall tfmfa" >&2
  exit 127
}
if [ -n "@CLASH@" ]; then
  [ "${0##*/}" = tfmfa ] && _tf_own_exec "$@"
  # tfmfa-launcher's served commands (below) go to Node as they were given.
  case ${0##*/}:${1-}:${3-} in
    tfmfa-launcher:/?*:credential-process|tfmfa-launcher:/?*:terragrunt-auth) exec "$@" ;;
    tfmfa-launcher:credential-process:*|tfmfa-launcher:terragrunt-auth:*)
      [ -n @ENTRY@ ] && [ -f @ENTRY@ ] && exec @ENTRY@ "$@"
      case $0 in */*) [ -f "${0%/*}/../dist/cli.js" ] && exec "${0%/*}/../dist/cli.js" "$@" ;; esac
      exec tfmfa "$@" ;;
  esac
  [ -n @ENTRY@ ] && [ -f @ENTRY@ ] && exec @ENTRY@ __shim "${0##*/}" "$@"
  case $0 in */*) [ -f "${0%/*}/../dist/cli.js" ] && exec "${0%/*}/../dist/cli.js" __shim "${0##*/}" "$@" ;; esac
  exec tfmfa __shim "${0##*/}" "$@"
fi
_tf_tool=${0##*/}
_tf_entry=@ENTRY@
_tf_mistaken=
_tf_base=${@VAR_shimStack@-}
_tf_serve='' _tf_pnode='' _tf_pentry=''

# Hand over to Node: same tool, untouched arguments and (apart from the stack fix below) environment. Serving
# (below): the command as it was given, `NODE ENTRY ARGS...` or `cli.js ARGS...`.
_tf_node() {
  if [ -n "$_tf_pnode" ]; then exec "$_tf_pnode" "$_tf_pentry" "$@"; fi
  [ "$_tf_tool" != tfmfa ] || _tf_own_exec "$@"
  if [ -n "$_tf_serve" ]; then
    if [ -z "$_tf_entry" ]; then
      printf '%s %s\n' "tfmfa: tfmfa-launcher cannot find tfmfa (no dist/cli.js beside it, no tfmfa on PATH):" \
        'reinstall tfmfa' >&2
      exit 127
    fi
    exec "$_tf_entry" "$@"
  fi
  if [ -n "$_tf_mistaken" ]; then
    if [ -n "$_tf_base" ]; then @VAR_shimStack@=$_tf_base; export @VAR_shimStack@; else unset -v @VAR_shimStack@; fi
  fi
  if [ -z "$_tf_entry" ]; then
    printf '%s %s\n' "tfmfa: the $_tf_tool shim cannot find tfmfa (no dist/cli.js beside it, no tfmfa on PATH):" \
      "reinstall tfmfa, then run 'tfmfa shim install --force'" >&2
    exit 127
  fi
  exec "$_tf_entry" __shim "$_tf_tool" "$@"
}

# The Node entry: baked (installed copies), else the package's dist/cli.js, else tfmfa on PATH (the package's
# `tfmfa` command finds its own, in _tf_node).
if [ "$_tf_tool" != tfmfa ] && { [ -z "$_tf_entry" ] || [ ! -f "$_tf_entry" ]; }; then
  case $0 in */*) _tf_entry=${0%/*}/../dist/cli.js ;; *) _tf_entry=../dist/cli.js ;; esac
  if [ ! -f "$_tf_entry" ]; then
    _tf_entry=
    _tf_p=${PATH-}:
    while [ -n "$_tf_p" ]; do
      _tf_d=${_tf_p%%:*}
      _tf_p=${_tf_p#*:}
      if [ -f "${_tf_d:-.}/tfmfa" ] && [ -x "${_tf_d:-.}/tfmfa" ]; then _tf_entry=${_tf_d:-.}/tfmfa; break; fi
    done
  fi
fi

# Started as tfmfa-launcher or as the package's `tfmfa` command: it serves `credential-process [--config-file F]
# [--credentials-file F] [--] PROFILE` and `terragrunt-auth [PROFILE]` from the ticket, as Node would print them
# (src/output/credential-json.ts, terragrunt-json.ts); any other argument list is Node's. The config overlay
# writes the Node command behind tfmfa-launcher, `tfmfa-launcher /abs/node /abs/cli.js credential-process ...`:
# that command, untouched, is its hand-over.
_tf_ocfg='' _tf_ocred='' _tf_sprof='' _tf_npos=0
if [ "$_tf_tool" = tfmfa-launcher ] || [ "$_tf_tool" = tfmfa ]; then
  [ "$_tf_tool" = tfmfa ] || case ${1-}:${3-} in
    /?*:credential-process|/?*:terragrunt-auth)
      [ -n "${2-}" ] || _tf_node "$@"
      _tf_pnode=$1 _tf_pentry=$2
      shift 2 ;;
  esac
  case ${1-} in
    credential-process|terragrunt-auth) _tf_serve=$1 ;;
    *) [ "$_tf_tool" = tfmfa-launcher ] || _tf_node "$@" ;;
  esac
  if [ -n "$_tf_serve" ]; then
    _tf_want=skip _tf_dd='' _tf_seen=''
    for _tf_a do
      case $_tf_want in
        skip) _tf_want=; continue ;;
        cfg|cred)
          case $_tf_a in -*) _tf_node "$@" ;; esac
          if [ "$_tf_want" = cfg ]; then _tf_ocfg=$_tf_a; else _tf_ocred=$_tf_a; fi
          _tf_want=; continue ;;
      esac
      if [ -z "$_tf_dd" ]; then
        case $_tf_a in
          --) _tf_dd=1; continue ;;
          --config-file|--credentials-file)
            [ "$_tf_serve" = credential-process ] || _tf_node "$@"
            case $_tf_seen in *"<$_tf_a>"*) _tf_node "$@" ;; esac
            _tf_seen="$_tf_seen<$_tf_a>"
            if [ "$_tf_a" = --config-file ]; then _tf_want=cfg; else _tf_want=cred; fi
            continue ;;
          -*) _tf_node "$@" ;;
        esac
      fi
      _tf_sprof=$_tf_a
      _tf_npos=$((_tf_npos + 1))
    done
    { [ -z "$_tf_want" ] && [ "$_tf_npos" -le 1 ]; } || _tf_node "$@"
    [ "$_tf_npos" = 1 ] || [ "$_tf_serve" = terragrunt-auth ] || _tf_node "$@"
  fi
fi
case $_tf_tool in ''|.|..|*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-]*) _tf_node "$@" ;; esac
[ "${@VAR_debug@-}" = 1 ] && _tf_node "$@"

# The tool path only (a tool's name): served output needs no real binary, stack, marker or passthrough rule.
if [ -z "$_tf_serve" ]; then

# Started as "the real binary" by another tfmfa launcher (a second copy later on PATH): drop that stack entry
# and look for the real binary only after this copy's own place on PATH, as Node (which skips launchers) does.
_tf_skip=
_tf_d=${_tf_base##*|}
case $_tf_d in
  "$_tf_tool="?*)
    _tf_d=${_tf_d#"$_tf_tool="}
    case ${_tf_d##*@} in ''|*[!0123456789]*) ;; *) _tf_d=${_tf_d%@*} ;; esac
    if [ "$_tf_d" -ef "$0" ]; then
      _tf_mistaken=1
      _tf_skip=1
      case $_tf_base in *'|'*) _tf_base=${_tf_base%|*} ;; *) _tf_base= ;; esac
    fi ;;
esac

# The real binary: the first executable $_tf_tool on PATH that is neither this launcher nor tfmfa's entry.
_tf_real=
_tf_p=${PATH-}:
while [ -n "$_tf_p" ]; do
  _tf_d=${_tf_p%%:*}
  _tf_p=${_tf_p#*:}
  _tf_c=${_tf_d:-.}/$_tf_tool
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
# The loop guard (src/shim/loop-guard.ts), Node's error: this very process already became this binary for
# this tool (it came straight back without running anything), or the stack is @MAX_SHIM_DEPTH@ deep.
_tf_depth=0
_tf_p=${_tf_base:+$_tf_base|}
while [ -n "$_tf_p" ]; do
  [ "${_tf_p%%|*}" = "$_tf_tool=$_tf_real@$$" ] && _tf_node "$@"
  _tf_p=${_tf_p#*|}
  _tf_depth=$((_tf_depth + 1))
done
[ "$_tf_depth" -lt @MAX_SHIM_DEPTH@ ] || _tf_node "$@"
_tf_stack=${_tf_base:+$_tf_base|}$_tf_tool=$_tf_real@$$

# A session already in the environment (ours or aws-vault's marker, with keys or an exec --server endpoint;
# hasSessionFor in src/environment/changes.ts): run the tool untouched.
if [ -n "@MARKER@" ]; then
  if { [ -n "${AWS_ACCESS_KEY_ID-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY-}" ]; } ||
     { [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI-}" ] && [ -n "${AWS_CONTAINER_AUTHORIZATION_TOKEN-}" ]; }; then
    @VAR_shimStack@=$_tf_stack; export @VAR_shimStack@
    unset -v @SECRET_VARIABLES@
    exec "$_tf_real" "$@"
  fi
fi

# Commands that need no credentials (src/shim/passthrough.ts), after leading -chdir=DIR options and the tool's
# global options (subcommandIndex in src/shim/command-lists.ts).
[ -n "${@VAR_passthrough@-}" ] && _tf_node "$@"
_tf_arg='' _tf_optv=''
for _tf_a do
  if [ -n "$_tf_optv" ]; then _tf_optv=; continue; fi
  case $_tf_a in -chdir=*) continue ;; esac
  case $_tf_tool in
@GLOBAL_OPTION_CASES@
  esac
  _tf_arg=$_tf_a
  break
done
_tf_pass=
case $_tf_tool in
@PASSTHROUGH_CASES@
esac
if [ -n "$_tf_pass" ]; then
  @VAR_shimStack@=$_tf_stack; export @VAR_shimStack@
  unset -v @SECRET_VARIABLES@
  exec "$_tf_real" "$@"
fi

# Long runs (src/shim/long-run.ts): Node stays the parent and serves renewing credentials. A TFMFA_LONG_RUN
# list is Node's to read; the value that turns server mode off is known here too.
case ${@VAR_longRun@-} in
  '')
    _tf_long=
    case $_tf_tool in
@LONG_RUN_CASES@
    esac
    [ -z "$_tf_long" ] || _tf_node "$@" ;;
  @LONG_RUN_OFF@) ;;
  *) _tf_node "$@" ;;
esac

fi

# The profile's ticket (src/store/ticket-format.ts, src/store/ticket-read.ts).
if [ "$_tf_npos" = 1 ]; then _tf_profile=$_tf_sprof; else _tf_profile=@PROFILE_ORDER@; fi
case $_tf_profile in [ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_]*) ;; *) _tf_node "$@" ;; esac
case ${_tf_profile#?} in *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-]*) _tf_node "$@" ;; esac
[ ${#_tf_profile} -le 128 ] || _tf_node "$@"
_tf_cache=@CACHE_DIR@
if [ -z "$_tf_cache" ]; then
  [ -n "${HOME-}" ] || _tf_node "$@"
  _tf_cache=@CACHE_DIR_HOME@
fi
# The AWS files (src/environment/aws-files.ts): --config-file / --credentials-file, else TFMFA_*, else AWS_*,
# else ~/.aws.
_tf_cfg=@CONFIG_FILE@
_tf_cred=@CREDENTIALS_FILE@
if [ -z "$_tf_cfg" ] || [ -z "$_tf_cred" ]; then
  [ -n "${HOME-}" ] || _tf_node "$@"
  _tf_cfg=${_tf_cfg:-@CONFIG_FILE_HOME@}
  _tf_cred=${_tf_cred:-@CREDENTIALS_FILE_HOME@}
fi
_tf_min=${@VAR_minTtl@:-@DEFAULT_MIN_TTL@}
case $_tf_min in
  *[!0123456789]*) ;;
  *) while :; do case $_tf_min in 0?*) _tf_min=${_tf_min#0} ;; *) break ;; esac; done ;;
esac
if [ "${@VAR_overlay@-}" = 0 ]; then _tf_ov=0; else _tf_ov=1; fi
_tf_tk=$_tf_cache/tickets
_tf_t=$_tf_tk/$_tf_profile.ticket
_tf_clock=$_tf_tk/.clock
# credential_process hands out credentials with SERVER_FLOOR_SECONDS left (src/session/margin.ts), a minute more
# than the ticket's deadline keeps: its own stamp ends that minute earlier (ticket-trust.ts).
_tf_stamp=$_tf_tk/$_tf_profile.deadline
[ "$_tf_serve" != credential-process ] || _tf_stamp=$_tf_tk/$_tf_profile.serve
# The private-path rule (src/store/private-path.ts), as far as a shell can see it: the cache directory, the
# tickets directory, the ticket and the clock are ours and not symlinks. Modes it cannot see: it trusts them as
# Node last checked them, through the deadline stamp, which Node sets at most a minute ahead each time it has
# checked the rule (src/store/ticket-trust.ts); it must be newer than the clock (an existing 0600 file Node
# made, truncated now: never created here, so never with the caller's umask). Neither AWS file newer than
# the ticket.
if ! { [ -d "$_tf_cache" ] && [ ! -L "$_tf_cache" ] && [ -O "$_tf_cache" ] \
    && [ -d "$_tf_tk" ] && [ ! -L "$_tf_tk" ] && [ -O "$_tf_tk" ] \
    && [ -f "$_tf_t" ] && [ ! -L "$_tf_t" ] && [ -O "$_tf_t" ] \
    && [ -f "$_tf_clock" ] && [ ! -L "$_tf_clock" ] && [ -O "$_tf_clock" ] && true 2>/dev/null >"$_tf_clock" \
    && [ "$_tf_stamp" -nt "$_tf_clock" ] \
    && ! [ "$_tf_cfg" -nt "$_tf_t" ] && ! [ "$_tf_cred" -nt "$_tf_t" ]; }; then
  _tf_node "$@"
fi

# A plain decimal of at most $2 digits: "0" or no leading zero (parseDecimal in src/store/ticket-format.ts).
# Every number of the ticket is read with this, so no pass can read 010 as octal.
_tf_dec() {
  case $1 in 0) return 0 ;; [123456789]*) ;; *) return 1 ;; esac
  case $1 in *[!0123456789]*) return 1 ;; esac
  [ ${#1} -le "$2" ]
}
# A file the ticket was made from ($1 its real path, $2 dev:ino:size:mtime) is the file the environment names
# ($3): the same file (-ef) or, for "- -", still no file. Size and mtime are Node's to compare.
_tf_same() {
  if [ "$1" = - ] && [ "$2" = - ]; then ! [ -e "$3" ] && ! [ -L "$3" ]; return; fi
  case $1 in /*) ;; *) return 1 ;; esac
  _tf_i=$2:
  for _tf_j in 1 2 3 4; do
    _tf_dec "${_tf_i%%:*}" @DIGITS_ID@ || return 1
    _tf_i=${_tf_i#*:}
  done
  [ -z "$_tf_i" ] && [ "$3" -ef "$1" ]
}

_tf_nl='
'
_tf_ok=
{
  # Pass 1 (fd 3): validate everything; nothing is applied unless the whole ticket is good. Fields are checked
  # at the end (the last one of a kind counts, as in Node), counts where they are.
  _tf_st=h _tf_n=0 _tf_line='' _tf_tprof='' _tf_tdl='' _tf_tmin='' _tf_tov=1 _tf_region='' _tf_unsets=''
  _tf_tcfg='' _tf_tcfgid='' _tf_tcred='' _tf_tcredid=''
  while IFS= read -r _tf_line; do
    if [ "$_tf_n" -gt 0 ]; then _tf_n=$((_tf_n - 1)); continue; fi
    case $_tf_st in
      h) if [ "$_tf_line" = @TICKET_HEADER@ ]; then _tf_st=b; continue; fi; _tf_st=x; break ;;
      e) _tf_st=x; break ;;
    esac
    case $_tf_line in
      *' '*) _tf_w=${_tf_line%% *} _tf_v=${_tf_line#* } ;;
      *) _tf_w=$_tf_line _tf_v= ;;
    esac
    case $_tf_w in
      end) _tf_st=e ;;
      profile) _tf_tprof=$_tf_v ;;
      deadline) _tf_tdl=$_tf_v ;;
      min_ttl) _tf_tmin=$_tf_v ;;
      overlay) _tf_tov=$_tf_v ;;
      config) _tf_tcfg=$_tf_v ;;
      config_id) _tf_tcfgid=$_tf_v ;;
      credentials) _tf_tcred=$_tf_v ;;
      credentials_id) _tf_tcredid=$_tf_v ;;
      region) _tf_region=$_tf_v ;;
      unset)
        case $_tf_v in @TICKET_NAME_PREFIXES@) ;; *) _tf_st=x; break ;; esac
        case ${_tf_v#*_} in *[!ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_]*) _tf_st=x; break ;; esac
        _tf_unsets="$_tf_unsets $_tf_v" ;;
      set)
        _tf_k=${_tf_v%% *} _tf_c=${_tf_v#* }
        case $_tf_k in @TICKET_NAME_PREFIXES@) ;; *) _tf_st=x; break ;; esac
        case ${_tf_k#*_} in *[!ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_]*) _tf_st=x; break ;; esac
        { _tf_dec "$_tf_c" @DIGITS_COUNT@ && [ "$_tf_c" != 0 ]; } || { _tf_st=x; break; }
        _tf_n=$_tf_c ;;
      *) _tf_st=x; break ;;
    esac
  done <&3
  if [ "$_tf_st" = e ] && [ "$_tf_n" -eq 0 ] && [ -z "$_tf_line" ] && [ "$_tf_tprof" = "$_tf_profile" ] \
    && _tf_dec "$_tf_tdl" @DIGITS_DEADLINE@ && _tf_dec "$_tf_tmin" @DIGITS_MIN_TTL@ && [ "$_tf_tmin" = "$_tf_min" ] \
    && [ "$_tf_tov" = "$_tf_ov" ] && _tf_same "$_tf_tcfg" "$_tf_tcfgid" "$_tf_cfg" \
    && _tf_same "$_tf_tcred" "$_tf_tcredid" "$_tf_cred"; then
    # The region rule (regionChanges in src/environment/region.ts), decided on the environment as it was.
    _tf_r=${AWS_REGION:-${AWS_DEFAULT_REGION:-$_tf_region}}
    _tf_hr=${AWS_REGION:+1} _tf_hdr=${AWS_DEFAULT_REGION:+1}
    # Serving prints the ticket's values (the last of each name, as in Node), each checked character by
    # character before it is printed, so the JSON is well-formed whatever the ticket holds; anything else is
    # Node's. Applying: every unset, then (fd 4, the same file) every set, so that a set wins as in
    # mergeChanges. The counts are the ones pass 1 accepted: plain decimals.
    if [ -z "$_tf_serve" ]; then
      while [ -n "$_tf_unsets" ]; do
        _tf_unsets=${_tf_unsets# }
        _tf_k=${_tf_unsets%% *}
        _tf_unsets=${_tf_unsets#"$_tf_k"}
        unset -v "$_tf_k"
      done
    fi
    _tf_n=0 _tf_ak='' _tf_sk='' _tf_tok='' _tf_htok='' _tf_exp='' _tf_hexp=''
    while IFS= read -r _tf_line; do
      if [ "$_tf_n" -gt 0 ]; then
        if [ -n "$_tf_first" ]; then _tf_val=$_tf_line _tf_first=; else _tf_val=$_tf_val$_tf_nl$_tf_line; fi
        _tf_n=$((_tf_n - 1))
        if [ "$_tf_n" -eq 0 ]; then
          if [ -z "$_tf_serve" ]; then
            export "$_tf_k=$_tf_val"
          else
            case $_tf_k in
              AWS_ACCESS_KEY_ID) _tf_ak=$_tf_val ;;
              AWS_SECRET_ACCESS_KEY) _tf_sk=$_tf_val ;;
              AWS_SESSION_TOKEN) _tf_tok=$_tf_val _tf_htok=1 ;;
              AWS_CREDENTIAL_EXPIRATION) _tf_exp=$_tf_val _tf_hexp=1 ;;
            esac
          fi
        fi
        continue
      fi
      case $_tf_line in
        'set '*) _tf_v=${_tf_line#set } _tf_first=1; _tf_k=${_tf_v%% *} _tf_n=${_tf_v#* } ;;
        end) break ;;
      esac
    done <&4
    if [ -n "$_tf_serve" ]; then
      case $_tf_ak in ''|*[!ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789]*) _tf_ok=x ;; esac
      case $_tf_sk in ''|*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=]*) _tf_ok=x ;; esac
      case $_tf_htok$_tf_tok in
        1|1*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=]*) _tf_ok=x ;;
      esac
      # Date.prototype.toISOString's form, each field in range and the day in its month (Node's Date would roll
      # 2026-02-29 over to March 1st): exactly the strings Node prints back unchanged.
      case $_tf_hexp$_tf_exp in
        '') ;;
        1[12][0123456789][0123456789][0123456789]-[01][0123456789]-[0123][0123456789]T*)
          case ${_tf_exp#*T} in
            [012][0123456789]:[012345][0123456789]:[012345][0123456789].[0123456789][0123456789][0123456789]Z) ;;
            *) _tf_ok=x ;;
          esac
          _tf_y=${_tf_exp%%-*}
          _tf_d=${_tf_exp#?????}
          _tf_d=${_tf_d%%T*}
          case $_tf_d in
            0[123456789]-0[123456789]|0[123456789]-1?|0[123456789]-2[012345678]) ;;
            1[012]-0[123456789]|1[012]-1?|1[012]-2[012345678]) ;;
            0[13456789]-29|0[13456789]-30|1[012]-29|1[012]-30|0[13578]-31|1[02]-31) ;;
            02-29)
              if [ $((_tf_y % 4)) -ne 0 ] || { [ $((_tf_y % 100)) -eq 0 ] && [ $((_tf_y % 400)) -ne 0 ]; }; then
                _tf_ok=x
              fi ;;
            *) _tf_ok=x ;;
          esac
          _tf_d=${_tf_exp#*T}
          case $_tf_d in [01]?:*|2[0123]:*) ;; *) _tf_ok=x ;; esac ;;
        *) _tf_ok=x ;;
      esac
      [ "$_tf_serve" = credential-process ] \
        || case $_tf_r in *[!abcdefghijklmnopqrstuvwxyz0123456789-]*) _tf_ok=x ;; esac
      if [ -z "$_tf_ok" ]; then
        if [ "$_tf_serve" = credential-process ]; then
          _tf_out="{\"Version\":1,\"AccessKeyId\":\"$_tf_ak\",\"SecretAccessKey\":\"$_tf_sk\""
          printf '%s\n' "$_tf_out${_tf_tok:+,\"SessionToken\":\"$_tf_tok\"}${_tf_exp:+,\"Expiration\":\"$_tf_exp\"}}"
        else
          _tf_e=
          [ -z "$_tf_r" ] || [ -n "$_tf_hr" ] || _tf_e="$_tf_e,\"AWS_REGION\":\"$_tf_r\""
          [ -z "$_tf_r" ] || [ -n "$_tf_hdr" ] || _tf_e="$_tf_e,\"AWS_DEFAULT_REGION\":\"$_tf_r\""
          _tf_out="{\"awsCredentials\":{\"ACCESS_KEY_ID\":\"$_tf_ak\",\"SECRET_ACCESS_KEY\":\"$_tf_sk\""
          _tf_out="$_tf_out${_tf_tok:+,\"SESSION_TOKEN\":\"$_tf_tok\"}},\"envs\":{${_tf_e#,}${_tf_e:+,}"
          printf '%s\n' "$_tf_out\"@VAR_marker@\":\"$_tf_profile\"}}"
        fi
        exit
      fi
    else
      if [ -n "$_tf_r" ]; then
        [ -n "$_tf_hr" ] || export AWS_REGION="$_tf_r"
        [ -n "$_tf_hdr" ] || export AWS_DEFAULT_REGION="$_tf_r"
      fi
      _tf_ok=1
    fi
  fi
} 2>/dev/null 3<"$_tf_t" 4<"$_tf_t"
[ "$_tf_ok" = 1 ] || _tf_node "$@"
@VAR_shimStack@=$_tf_stack; export @VAR_shimStack@
unset -v @SECRET_VARIABLES@
exec "$_tf_real" "$@"
