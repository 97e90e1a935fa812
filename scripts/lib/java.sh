# Sourced by Caravel's scripts: finds a JDK of 21 or newer and exports JAVA_HOME and PATH for it.
# Order: $JAVA_HOME, then `java` on PATH, then the JDKs in the system's JVM directory (newest first).

caravel_java_major() {
  # Prints the feature version of the java binary given (17, 21, 25...), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | head -n 1 | sed 's/^1\.//; s/\..*//'
}

caravel_find_jdk() {
  local candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ /usr/local/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -Vr); do
    candidates+=("${candidate%/}")
  done
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(caravel_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

if ! CARAVEL_JDK=$(caravel_find_jdk); then
  cat >&2 <<'MSG'
caravel: no JDK of version 21 or newer was found.
  Looked at: $JAVA_HOME, the javac on PATH, and /usr/lib/jvm, /usr/local/lib/jvm, /opt/java.
  Install one, for example on Debian or Ubuntu:  sudo apt-get install openjdk-21-jdk-headless
  or point JAVA_HOME at an existing JDK 21+:     export JAVA_HOME=/path/to/jdk
MSG
  exit 1
fi
export JAVA_HOME="$CARAVEL_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
CARAVEL_JAVA_MAJOR=$(caravel_java_major "$JAVA_HOME/bin/java")
export CARAVEL_JAVA_MAJOR
# Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
if [ "$CARAVEL_JAVA_MAJOR" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
