package dev.caravel.audit.writer;

/**
 * When the audit log is rotated and which backups are kept: kube-apiserver's --audit-log-maxsize,
 * -maxage, -maxbackup and -compress, which it hands to lumberjack.
 *
 * @param maxSizeBytes rotate before a write would make the file larger than this
 * @param maxAgeDays   remove backups older than this many days; 0 keeps them whatever their age
 * @param maxBackups   keep at most this many backups; 0 keeps all (subject to maxAgeDays)
 * @param compress     gzip backups ({@code .log.gz})
 */
public record LogRotation(long maxSizeBytes, int maxAgeDays, int maxBackups, boolean compress) {

    /** lumberjack's size when --audit-log-maxsize is 0. */
    static final int DEFAULT_MAX_SIZE_MB = 100;

    public LogRotation {
        if (maxSizeBytes < 1 || maxAgeDays < 0 || maxBackups < 0) {
            throw new IllegalArgumentException("maxSize must be positive, maxAge and maxBackups not negative");
        }
    }

    /** From the flags' units; a max size of 0 MB means 100 MB, as with kube-apiserver. */
    public static LogRotation fromFlags(int maxSizeMegabytes, int maxAgeDays, int maxBackups, boolean compress) {
        if (maxSizeMegabytes < 0) {
            throw new IllegalArgumentException("--audit-log-maxsize must not be negative");
        }
        long megabytes = maxSizeMegabytes == 0 ? DEFAULT_MAX_SIZE_MB : maxSizeMegabytes;
        return new LogRotation(megabytes * 1024 * 1024, maxAgeDays, maxBackups, compress);
    }
}
