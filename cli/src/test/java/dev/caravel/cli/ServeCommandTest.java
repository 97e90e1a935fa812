package dev.caravel.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    private static boolean consistentListFromCache(String... args) {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs(args);
        return command.consistentListFromCache();
    }

    @Test
    void consistentListsComeFromTheCacheUnlessTurnedOff() {
        assertThat(consistentListFromCache()).isTrue();
        assertThat(consistentListFromCache("--consistent-list-from-cache")).isTrue();
        assertThat(consistentListFromCache("--consistent-list-from-cache=false")).isFalse();
        assertThat(consistentListFromCache("--no-consistent-list-from-cache")).isFalse();
    }
}
