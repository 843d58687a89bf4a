using System.Security.Cryptography;
using System.Text;

namespace Coast.Controller.Instances.BareServices;

/// <summary>
/// The supervisor of bare services, a POSIX sh program the controller writes into each instance at
/// /coast/bin/coast-services (no image change: it runs on the runtime image's sh and util-linux).
///
/// `apply` reads the desired services from stdin (one "NAME BASE64-SPEC" per line, the spec being a shell
/// fragment), writes each spec under /coast/services/NAME, restarts a supervisor whose spec changed, starts
/// a missing one (autostart only), stops and forgets services no longer wanted, and prints each service's
/// state. `restart [NAME...]` (re)starts services, autostart or not. `supervise NAME` is one service's loop:
/// install steps once per build key, then the command in its own session with its env, output appended to
/// /var/log/coast-services/NAME.log, restarted per policy with backoff 1 s doubling to 30 s, giving up after
/// 10 restarts; 30 s up resets the count. State lines: "NAME STATE RESTARTS EXIT ALIVE".
/// The backoff's unit is 1 s; a container whose environment has COAST_SV_TICK_MS uses that many milliseconds
/// instead, for the delays and the 30-unit reset alike (a test knob: the controller never sets it).
/// A state is trusted only for the current container start (PID 1's start time), so a restarted container
/// starts its services again.
/// </summary>
public static class SupervisorScript
{
    public const string Path = "/coast/bin/coast-services";
    public const string LogDir = "/var/log/coast-services";

    public const string Text = """
        #!/bin/sh
        SV=/coast/services
        LOGS=/var/log/coast-services
        mkdir -p "$SV" "$LOGS"
        TICK=${COAST_SV_TICK_MS:-1000}
        boot() { cut -d' ' -f22 /proc/1/stat; }
        now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
        secs() { echo "$(( $1 / 1000 )).$(printf %03d $(( $1 % 1000 )))"; }
        alive() { # NAME: the supervisor of NAME runs (in this container start)
          pid=$(cat "$SV/$1/supervisor.pid" 2>/dev/null) || return 1
          [ "$(cat "$SV/$1/boot" 2>/dev/null)" = "$(boot)" ] || return 1
          tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "coast-services supervise $1 " || return 1
        }
        setstate() { echo "$*" > "$d/state.tmp" && mv "$d/state.tmp" "$d/state"; }
        stop() { # NAME: stops its supervisor and the service's process group
          alive "$1" || return 0
          pid=$(cat "$SV/$1/supervisor.pid")
          kill -TERM "$pid" 2>/dev/null
          i=0
          while alive "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
          if alive "$1"; then
            child=$(cat "$SV/$1/pid" 2>/dev/null) && kill -KILL -"$child" 2>/dev/null
            kill -KILL "$pid" 2>/dev/null
          fi
          return 0
        }
        launch() { # NAME
          rm -f "$SV/$1/state"
          boot > "$SV/$1/boot"
          setsid sh "$0" supervise "$1" </dev/null >/dev/null 2>&1 &
          echo $! > "$SV/$1/supervisor.pid"
        }
        report() { # NAME
          a=0; alive "$1" && a=1
          st="pending 0 -"
          if [ "$(cat "$SV/$1/boot" 2>/dev/null)" = "$(boot)" ] && [ -f "$SV/$1/state" ]; then st=$(cut -d' ' -f1-3 "$SV/$1/state"); fi
          echo "$1 $st $a"
        }
        case "$1" in
        apply)
          wanted=" "
          while read -r name spec; do
            [ -n "$name" ] || continue
            wanted="$wanted$name "
            d="$SV/$name"; mkdir -p "$d"
            echo "$spec" | base64 -d > "$d/spec.new"
            changed=0
            if ! cmp -s "$d/spec.new" "$d/spec.sh"; then changed=1; stop "$name"; mv "$d/spec.new" "$d/spec.sh"; else rm -f "$d/spec.new"; fi
            COAST_SVC_AUTOSTART=1
            . "$d/spec.sh"
            if ! alive "$name"; then
              fresh=1
              if [ "$(cat "$d/boot" 2>/dev/null)" = "$(boot)" ] && [ -f "$d/state" ]; then fresh=0; fi
              if [ $changed = 1 ] || [ $fresh = 1 ]; then
                if [ "$COAST_SVC_AUTOSTART" = 1 ]; then launch "$name"; else rm -f "$d/state"; boot > "$d/boot"; fi
              fi
            fi
          done
          for d in "$SV"/*/; do
            [ -d "$d" ] || continue
            name=$(basename "$d")
            case "$wanted" in *" $name "*) ;; *) stop "$name"; rm -rf "$SV/$name" ;; esac
          done
          for name in $wanted; do report "$name"; done
          ;;
        restart)
          shift
          [ $# -gt 0 ] || set -- $(ls "$SV")
          for name in "$@"; do
            [ -f "$SV/$name/spec.sh" ] || { echo "no bare service '$name'" >&2; exit 2; }
          done
          for name in "$@"; do stop "$name"; launch "$name"; done
          for name in "$@"; do report "$name"; done
          ;;
        status)
          for d in "$SV"/*/; do [ -d "$d" ] && report "$(basename "$d")"; done
          ;;
        supervise)
          name=$2; d="$SV/$name"; log="$LOGS/$name.log"
          child=""; stopping=""
          trap 'stopping=1; [ -n "$child" ] && kill -TERM -"$child" 2>/dev/null' TERM INT
          . "$d/spec.sh"
          if [ -n "$COAST_SVC_INSTALL" ] && [ "$(cat "$d/installed" 2>/dev/null)" != "$COAST_SVC_INSTALL_KEY" ]; then
            setstate installing 0 -
            echo "[coast] installing $name" >> "$log"
            (cd /workspace && exec sh -ec "$COAST_SVC_INSTALL") >> "$log" 2>&1 </dev/null
            code=$?
            if [ $code != 0 ]; then
              echo "[coast] install of $name failed with code $code" >> "$log"
              setstate failed 0 "$code" install; exit 0
            fi
            echo "$COAST_SVC_INSTALL_KEY" > "$d/installed"
          fi
          restarts=0; delay=1
          while :; do
            started=$(now_ms)
            echo "[coast] starting $name" >> "$log"
            setstate running "$restarts" -
            setsid sh -c 'cd /workspace && . "$1" && unset COAST_SVC_COMMAND COAST_SVC_RESTART COAST_SVC_AUTOSTART COAST_SVC_INSTALL COAST_SVC_INSTALL_KEY && exec sh -c "$0"' "$COAST_SVC_COMMAND" "$d/spec.sh" >> "$log" 2>&1 </dev/null &
            child=$!
            echo "$child" > "$d/pid"
            wait "$child"; code=$?
            while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
            child=""
            if [ -n "$stopping" ]; then echo "[coast] stopped $name" >> "$log"; setstate stopped "$restarts" "$code"; exit 0; fi
            up=$(( $(now_ms) - started ))
            echo "[coast] $name exited with code $code after $(( up / 1000 ))s" >> "$log"
            case "$COAST_SVC_RESTART" in
              always) ;;
              on-failure) if [ "$code" = 0 ]; then setstate exited "$restarts" 0; exit 0; fi ;;
              *) setstate exited "$restarts" "$code"; exit 0 ;;
            esac
            if [ "$up" -ge $(( 30 * TICK )) ]; then restarts=0; delay=1; fi
            if [ "$restarts" -ge 10 ]; then
              echo "[coast] gave up on $name after $restarts restarts" >> "$log"
              setstate failed "$restarts" "$code"; exit 0
            fi
            restarts=$((restarts+1))
            setstate backoff "$restarts" "$code"
            echo "[coast] restart $restarts of $name in $(secs $(( delay * TICK )))s" >> "$log"
            sleep "$(secs $(( delay * TICK )))" & wait $!
            if [ -n "$stopping" ]; then setstate stopped "$restarts" "$code"; exit 0; fi
            delay=$((delay*2)); [ "$delay" -gt 30 ] && delay=30
          done
          ;;
        *) echo "usage: coast-services apply|restart [NAME...]|status|supervise NAME" >&2; exit 2 ;;
        esac
        """;

    public static string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..16];
}
