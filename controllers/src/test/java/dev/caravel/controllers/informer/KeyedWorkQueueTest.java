package dev.caravel.controllers.informer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedWorkQueueTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final KeyedWorkQueue queue = new KeyedWorkQueue(scheduler);

    @AfterEach
    void stop() {
        queue.shutDown();
        scheduler.shutdownNow();
    }

    @Test
    void aKeyAddedTwiceWhileWaitingIsHandedOutOnce() throws Exception {
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.take()).isEqualTo("b");
    }

    @Test
    void aKeyAddedWhileBeingWorkedOnComesBackOnlyAfterItIsDone() throws Exception {
        queue.add("a");
        assertThat(queue.take()).isEqualTo("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.take()).as("a is still being worked on").isEqualTo("b");
        queue.done("a");
        assertThat(queue.take()).isEqualTo("a");
    }

    @Test
    void takeReturnsNullOnceShutDown() throws Exception {
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                assertThat(queue.take()).isNull();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        queue.shutDown();
        waiter.join(2000);
        assertThat(waiter.isAlive()).isFalse();
    }
}
