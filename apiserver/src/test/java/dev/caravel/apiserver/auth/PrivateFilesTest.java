package dev.caravel.apiserver.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class PrivateFilesTest {

    @TempDir
    Path folder;

    @Test
    void aPrivateFileIsReadableByItsOwnerOnlyAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = folder.resolve("nested/kubeconfig");

        PrivateFiles.write(file, "first", StandardCharsets.UTF_8);

        assertThat(file).hasContent("first");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var entries = Files.list(file.getParent())) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void writingAgainReplacesTheWholeFile() throws Exception {
        Path file = folder.resolve("key.pem");
        PrivateFiles.write(file, "a longer first version", StandardCharsets.US_ASCII);

        PrivateFiles.write(file, "second", StandardCharsets.US_ASCII);

        assertThat(file).hasContent("second");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
