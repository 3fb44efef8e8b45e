#!/bin/bash -eu
# Runs build.sh outside Docker, as far as a machine without OSS-Fuzz's images allows: a copy of
# this checkout in a fresh SRC, a fresh OUT, then every wrapper it wrote started on its seed
# corpus for a few runs. OSS-Fuzz's native jazzer_driver is not here, so a stand-in with the
# same flags runs Jazzer's Java driver (the jazzer.jar of the build) instead.
#
#   .clusterfuzzlite/try-local.sh [RUNS]      (RUNS inputs per fuzzer, the seeds counted, default 1000)
# Environment: JAVA_HOME (a JDK 21+), MAVEN_ARGS (e.g. -o when Maven's downloads are cached).
RUNS="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$(mktemp -d)"
OUT="$(mktemp -d)"
export SRC OUT
mkdir "$SRC/lazymm"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar -c --null -T - ) | tar -x -C "$SRC/lazymm"
cp "$ROOT/.clusterfuzzlite/build.sh" "$SRC/"
bash "$SRC/build.sh"

# the stand-in for jazzer_driver and jazzer_agent_deploy.jar
cp "$SRC/lazymm/src/target/lib/jazzer.jar" "$OUT/jazzer_agent_deploy.jar"
cp "$SRC/lazymm/src/target/lib/jazzer-api.jar" "$OUT/jazzer_api_stand_in.jar"  # OSS-Fuzz's agent jar bundles the API
cat > "$OUT/jazzer_driver" <<'DRIVER'
#!/bin/bash
# stand-in for OSS-Fuzz's jazzer_driver: the same flags, Jazzer's Java driver
this_dir=$(dirname "$0")
jvm=() args=() cp=""
for a in "$@"; do
  case "$a" in
    --jvm_args=*) IFS=: read -ra jvm <<< "${a#--jvm_args=}" ;;
    --cp=*) cp="${a#--cp=}" ;;
    --agent_path=*) ;;
    *) args+=("$a") ;;
  esac
done
exec "$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$cp:$this_dir/jazzer_agent_deploy.jar:$this_dir/jazzer_api_stand_in.jar" com.code_intelligence.jazzer.Jazzer "${args[@]}"
DRIVER
chmod u+x "$OUT/jazzer_driver"

status=0
for fuzzer in "$OUT"/lazymm_*; do
  case "$fuzzer" in *.zip) continue ;; esac
  name="$(basename "$fuzzer")"
  corpus="$(mktemp -d)"
  unzip -q "$OUT/${name}_seed_corpus.zip" -d "$corpus"
  if "$fuzzer" -runs="$RUNS" "$corpus" > "$corpus.log" 2>&1; then
    echo "$name: started, $(grep -o 'Done [0-9]* runs' "$corpus.log") (its $(ls "$corpus" | wc -l) seeds first), clean"
  else
    echo "$name: FAILED (its output: $corpus.log)"; tail -n 20 "$corpus.log"; status=1
  fi
done
echo "SRC=$SRC OUT=$OUT"
exit $status
