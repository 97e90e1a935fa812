package dev.caravel.cli.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Tells the replay as it happens: numbered steps, what each command printed (indented), and each
 * expectation met or missed. A missed expectation ends the replay: the story after it would not be
 * the incident's.
 */
final class Narrator {

    /** A missed expectation: the replay stops, saying what was expected and what happened. */
    static final class Missed extends RuntimeException {
        Missed(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final Instant start = Instant.now();
    private int step;

    Narrator(PrintStream out) {
        this.out = out;
    }

    void step(String title) {
        step++;
        out.printf("%n[%s] Step %d. %s%n", elapsed(), step, title);
    }

    void say(String text) {
        out.println("    " + text.replace("\n", "\n    "));
    }

    /** Output of a command, indented under it. */
    void quote(String text) {
        if (text.isBlank()) {
            return;
        }
        out.println("      | " + text.stripTrailing().replace("\n", "\n      | "));
    }

    void expect(boolean met, String what) {
        if (!met) {
            throw new Missed(what);
        }
        out.println("    ok: " + what);
    }

    private String elapsed() {
        Duration d = Duration.between(start, Instant.now());
        return String.format("%3d.%ds", d.toSeconds(), d.toMillisPart() / 100);
    }
}
