package dev.caravel.audit.writer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A log file rotated as lumberjack rotates kube-apiserver's audit log, so operators' log shippers
 * and cleanup scripts keep working: {@code /var/log/audit.log} is renamed to
 * {@code /var/log/audit-2026-11-25T14-05-09.123.log} (UTC, milliseconds) when the next write would
 * pass the maximum size, a new file is started, then backups beyond maxBackups or older than maxAge
 * are removed, oldest first, and the rest gzipped if asked.
 *
 * <p>An existing file is appended to, as after a restart. A single write larger than the maximum is
 * refused rather than split: a line must stay whole. Not thread-safe: the writer thread owns it.
 * Writes go to the OS on {@link #flush}; there is no fsync per event (lumberjack has none at all),
 * only at rotation and close.
 */
final class RotatingLogFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingLogFile.class);
    private static final DateTimeFormatter BACKUP_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path path;
    private final LogRotation rotation;
    private final Clock clock;
    private final String prefix;
    private final String extension;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private FileChannel channel;
    private long size;

    RotatingLogFile(Path path, LogRotation rotation, Clock clock) throws IOException {
        this.path = path.toAbsolutePath();
        this.rotation = rotation;
        this.clock = clock;
        String fileName = this.path.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        this.prefix = (dot > 0 ? fileName.substring(0, dot) : fileName) + "-";
        this.extension = dot > 0 ? fileName.substring(dot) : "";
        Path parent = this.path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        openExisting();
    }

    private void openExisting() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        size = channel.size();
    }

    void write(byte[] line) throws IOException {
        if (line.length > rotation.maxSizeBytes()) {
            throw new IOException("audit event of " + line.length + " bytes exceeds the maximum log file size of "
                    + rotation.maxSizeBytes() + " bytes");
        }
        if (size + line.length > rotation.maxSizeBytes()) {
            rotate();
        }
        if (line.length > buffer.remaining()) {
            drain();
        }
        if (line.length > buffer.capacity()) {
            writeFully(ByteBuffer.wrap(line));
        } else {
            buffer.put(line);
        }
        size += line.length;
    }

    /** Hands buffered lines to the OS (not to the disk: see the class comment). */
    void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void rotate() throws IOException {
        drain();
        channel.force(false);
        channel.close();
        if (size > 0) {
            Files.move(path, freeBackupName(clock.instant()), StandardCopyOption.ATOMIC_MOVE);
        }
        openExisting();
        removeOldBackups();
    }

    /** The backup name for this instant; a later millisecond if taken (two rotations in one ms). */
    private Path freeBackupName(Instant at) {
        Instant time = at;
        while (true) {
            Path candidate = path.resolveSibling(prefix + BACKUP_TIME.format(time) + extension);
            if (!Files.exists(candidate) && !Files.exists(candidate.resolveSibling(candidate.getFileName() + ".gz"))) {
                return candidate;
            }
            time = time.plusMillis(1);
        }
    }

    private record Backup(Path path, Instant time, boolean compressed) {
    }

    /** Backups of this log, newest first, recognised by name as lumberjack does. */
    List<Path> backups() throws IOException {
        return listBackups().stream().map(Backup::path).toList();
    }

    private List<Backup> listBackups() throws IOException {
        List<Backup> backups = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path.getParent())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean compressed = name.endsWith(extension + ".gz");
                String stem = compressed ? name.substring(0, name.length() - 3) : name;
                if (!stem.startsWith(prefix) || !stem.endsWith(extension)
                        || stem.length() <= prefix.length() + extension.length()) {
                    continue;
                }
                String time = stem.substring(prefix.length(), stem.length() - extension.length());
                try {
                    backups.add(new Backup(file, LocalDateTime.parse(time, BACKUP_TIME).toInstant(ZoneOffset.UTC),
                            compressed));
                } catch (DateTimeParseException notABackup) {
                    // another file sharing the prefix: never ours to remove
                }
            }
        }
        backups.sort(Comparator.comparing(Backup::time).reversed());
        return backups;
    }

    private void removeOldBackups() throws IOException {
        List<Backup> backups = listBackups();
        List<Backup> keep = new ArrayList<>();
        Instant cutoff = rotation.maxAgeDays() > 0
                ? clock.instant().minus(Duration.ofDays(rotation.maxAgeDays())) : null;
        for (Backup backup : backups) {
            boolean tooMany = rotation.maxBackups() > 0 && keep.size() >= rotation.maxBackups();
            boolean tooOld = cutoff != null && backup.time().isBefore(cutoff);
            if (tooMany || tooOld) {
                Files.deleteIfExists(backup.path());
            } else {
                keep.add(backup);
            }
        }
        if (rotation.compress()) {
            for (Backup backup : keep) {
                if (!backup.compressed()) {
                    compress(backup.path());
                }
            }
        }
    }

    private static void compress(Path file) {
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        Path partial = file.resolveSibling(file.getFileName() + ".gz.tmp");
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial))) {
            in.transferTo(out);
        } catch (IOException e) {
            LOG.error("cannot compress audit log backup {}", file, e);
            return;
        }
        try {
            Files.move(partial, gz, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(file);
        } catch (IOException e) {
            LOG.error("cannot replace audit log backup {} by its compressed copy", file, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
            channel.force(false);
        } finally {
            channel.close();
        }
    }
}
