#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of lazymm's fuzzers, in the JVM conventions: the jars and a
# JDK in $OUT, and one wrapper script per fuzzer that runs jazzer_driver on them.
#
# One fuzzer per variant of the kernel model that must stay clean (a finding there is a real
# bug, of the kernel or of the model): lazymm_<variant>. The positive controls are not built:
# they fail by design, and `./lazymm bench --time-to-bug` measures them instead.
#
# Environment: SRC (the folder holding the lazymm checkout) and OUT, set by the builder image;
# LAZYMM_JDK or JAVA_HOME (a JDK 21 or newer), MVN (Maven, default mvn), MAVEN_ARGS (extra
# Maven options, e.g. -o to build offline). To try it outside Docker: .clusterfuzzlite/try-local.sh.

VARIANTS="upstream shootdown hazard hazard-batch hazard-arm64 HP-WARN membarrier hazard-membarrier"

export JAVA_HOME="${LAZYMM_JDK:-$JAVA_HOME}"
cd "$SRC/lazymm"
# shellcheck disable=SC2086
"${MVN:-mvn}" -B -ntp ${MAVEN_ARGS:-} -DskipTests package

# the JDK that runs the fuzzers, beside them (the runner image's own JDK is older)
rm -rf "$OUT/open-jdk"
cp -r "$JAVA_HOME" "$OUT/open-jdk"
# Jackson: FuzzEntry writes its reproducers as JSON
for jar in lazymm-agent lazymm-engine lazymm-model jackson-core jackson-databind jackson-annotations; do
  cp "src/target/lib/$jar.jar" "$OUT/"
done

# the kept inputs of fuzz-corpus/kernel, as every fuzzer's seed corpus
rm -f "$OUT/kernel_seed_corpus.zip"
(cd fuzz-corpus/kernel && zip -q -j "$OUT/kernel_seed_corpus.zip" ./*)

RUNTIME_CLASSPATH='$this_dir/lazymm-engine.jar:$this_dir/lazymm-model.jar:$this_dir/jackson-core.jar:$this_dir/jackson-databind.jar:$this_dir/jackson-annotations.jar:$this_dir'
for variant in $VARIANTS; do
  fuzzer="lazymm_$(echo "$variant" | tr 'A-Z-' 'a-z_')"
  cp "$OUT/kernel_seed_corpus.zip" "$OUT/${fuzzer}_seed_corpus.zip"
  cat > "$OUT/$fuzzer" <<WRAPPER
#!/bin/bash
# LLVMFuzzerTestOneInput for fuzzer detection.
# lazymm's kernel model, variant $variant, under Jazzer (lazymm.engine.fuzz.FuzzEntry); the
# options with a ':' go in JAVA_TOOL_OPTIONS (--jvm_args is a ':'-separated list).
this_dir=\$(dirname "\$0")
out=\$(mktemp -d)  # FuzzEntry's reproducers and minimized inputs (libFuzzer keeps the crash input)
JAVA_HOME="\$this_dir/open-jdk" \\
JAVA_TOOL_OPTIONS="-javaagent:\$this_dir/lazymm-agent.jar -XX:+EnableDynamicAgentLoading -Xshare:off" \\
LD_LIBRARY_PATH="\$this_dir/open-jdk/lib/server":\$this_dir \\
\$this_dir/jazzer_driver --agent_path=\$this_dir/jazzer_agent_deploy.jar \\
  --cp=$RUNTIME_CLASSPATH \\
  --target_class=lazymm.engine.fuzz.FuzzEntry \\
  --instrumentation_includes='lazymm.model.**:lazymm.example.**' \\
  --custom_hook_includes='lazymm.model.**:lazymm.example.**' \\
  --trace=cov \\
  --jvm_args="-Xmx2048m:-Xss4m:--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED:--enable-native-access=ALL-UNNAMED:--sun-misc-unsafe-memory-access=allow:-Dlazymm.fuzz.variant=$variant:-Dlazymm.fuzz.out=\$out" \\
  "\$@"
WRAPPER
  chmod u+x "$OUT/$fuzzer"
done
rm -f "$OUT/kernel_seed_corpus.zip"
echo "built: $(cd "$OUT" && ls lazymm_* | grep -v '\.zip$' | tr '\n' ' ')"
