package dev.caravel.apiserver.auth;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold credentials (a kubeconfig, a signing key): written whole or not at all, and
 * readable by their owner only from the moment they exist.
 */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /**
     * Writes {@code text} to {@code file} through a temporary file in the same folder, moved into
     * place atomically, so a reader never sees half a file. On a POSIX file system the temporary
     * file is created {@code rw-------}, before any byte is written; elsewhere (Windows) the
     * folder's access list applies, as for any file the JDK creates there.
     */
    public static Path write(Path file, String text, Charset charset) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(folder, file.getFileName().toString(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, text, charset);
            return Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
