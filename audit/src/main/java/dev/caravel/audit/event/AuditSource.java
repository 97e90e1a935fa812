package dev.caravel.audit.event;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * A named audit log to read: a file, standard input, or any stream (tests). Gzip is recognised
 * by its magic bytes, not the file name, since rotated logs are often compressed by tools that
 * keep the name ({@code audit.log.1}) or read from a pipe.
 */
public final class AuditSource {

    /** Opens the raw bytes; called once. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final String name;
    private final Opener opener;

    private AuditSource(String name, Opener opener) {
        this.name = Objects.requireNonNull(name, "name");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    public static AuditSource file(Path path) {
        return new AuditSource(path.toString(), () -> Files.newInputStream(path));
    }

    /** Standard input, named {@code -} in reports as on the command line. */
    public static AuditSource stdin() {
        return new AuditSource("-", () -> new NonClosingInputStream(System.in));
    }

    public static AuditSource of(String name, Opener opener) {
        return new AuditSource(name, opener);
    }

    public String name() {
        return name;
    }

    /** Opens the source, decompressing it if it starts with the gzip magic bytes 1f 8b. */
    public InputStream openDecoded() throws IOException {
        BufferedInputStream in = new BufferedInputStream(opener.open(), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            // GZIPInputStream reads concatenated members too, which is what `cat a.gz b.gz` gives.
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Standard input belongs to the process; reading a log from it must not close it. */
    private static final class NonClosingInputStream extends java.io.FilterInputStream {
        NonClosingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
