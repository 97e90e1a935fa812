package dev.caravel.audit.writer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Audit events as JSON lines in a rotated file (kube-apiserver's --audit-log-path, with format
 * json), or on standard output when the path is {@code -}. Put it behind a
 * {@link BufferedAuditSink}, whose writer thread is the only caller.
 */
public final class LogFileBackend implements AuditBackend {

    private final RotatingLogFile file;
    private final OutputStream stdout;

    private LogFileBackend(RotatingLogFile file, OutputStream stdout) {
        this.file = file;
        this.stdout = stdout;
    }

    /** A backend for --audit-log-path: {@code -} is standard output, anything else a rotated file. */
    public static LogFileBackend open(String path, LogRotation rotation) throws IOException {
        if (path.equals("-")) {
            return new LogFileBackend(null, System.out);
        }
        return new LogFileBackend(new RotatingLogFile(Path.of(path), rotation, Clock.systemUTC()), null);
    }

    static LogFileBackend open(Path path, LogRotation rotation, Clock clock) throws IOException {
        return new LogFileBackend(new RotatingLogFile(path, rotation, clock), null);
    }

    static LogFileBackend to(PrintStream out) {
        return new LogFileBackend(null, out);
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void write(List<AuditEvent> events) throws IOException {
        if (file == null) {
            for (AuditEvent event : events) {
                stdout.write(AuditEventJson.line(event));
            }
            stdout.flush();
            return;
        }
        for (AuditEvent event : events) {
            file.write(AuditEventJson.line(event));
        }
        file.flush();
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        } else {
            stdout.flush();
        }
    }
}
