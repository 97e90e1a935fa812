package dev.caravel.audit.analysis;

/**
 * One group's figures (a user's, by default).
 *
 * @param requests              requests that ended (ResponseComplete or Panic) and are not long-running
 * @param querySeconds          their summed duration, received to completed, clipped to the window
 * @param share                 querySeconds over all groups' query seconds, 0 to 1
 * @param meanConcurrency       querySeconds over the window's length: requests in flight on average
 * @param peakConcurrency       most requests in flight at one instant
 * @param peakAtMicros          first instant of that peak
 * @param panics                requests among {@code requests} that ended in a Panic event
 * @param longRunningRequests   watches, exec, attach, port-forward, proxy, log -f: counted apart
 * @param longRunningSeconds    how long those were held open, clipped to the window
 */
public record GroupSummary(String key, long requests, double querySeconds, double share, double meanConcurrency,
                           int peakConcurrency, long peakAtMicros, long panics, long longRunningRequests,
                           double longRunningSeconds) {
}
