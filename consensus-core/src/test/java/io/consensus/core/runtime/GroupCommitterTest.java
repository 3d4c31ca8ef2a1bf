package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the group commit's fsync runs: on the loop when nothing else waits there, else on the sync thread. */
class GroupCommitterTest {

    private final LoopThread loop = new LoopThread(task -> new Thread(task, "test-loop"), null);
    private final ExecutorService syncThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "test-sync"));
    private final List<String> syncedOn = new CopyOnWriteArrayList<>();
    private volatile long syncNanos;

    @AfterEach
    void stop() {
        loop.shutdown();
        syncThread.shutdownNow();
    }

    private final NodeStorage storage = new NodeStorage() {
        @Override
        public LogStorage open(GroupIdentity identity) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sync() {
            syncedOn.add(Thread.currentThread().getName());
            if (syncNanos > 0) {
                LockSupport.parkNanos(syncNanos);
            }
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    private GroupCommitter committer() {
        Timer timer = new Timer() {
            @Override public void recordNanos(long nanos) { }
            @Override public void remove() { }
        };
        Summary summary = new Summary() {
            @Override public void record(long value) { }
            @Override public void remove() { }
        };
        return new GroupCommitter(loop, syncThread, storage, failure -> { }, timer, summary, 0, LogContext.node("m1"));
    }

    /** Asks for a sync from a loop task, with {@code queuedBehind} tasks already waiting; returns when synced. */
    private void requestAndWait(GroupCommitter committer, boolean queuedBehind) throws InterruptedException {
        CountDownLatch synced = new CountDownLatch(1);
        GroupCommitter.Participant participant = new GroupCommitter.Participant() {
            @Override public void syncStarting() { }
            @Override public void synced() { synced.countDown(); }
        };
        CountDownLatch blocker = new CountDownLatch(1);
        loop.execute(() -> {
            if (queuedBehind) {
                loop.execute(() -> awaitQuietly(blocker)); // another task waits behind this one
            }
            committer.request(participant);
        });
        if (queuedBehind) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !syncedOn.isEmpty());
            blocker.countDown();
        }
        assertThat(synced.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anIdleLoopSyncsItselfSparingTwoHandOffs() throws Exception {
        requestAndWait(committer(), false);
        assertThat(syncedOn).containsExactly("test-loop");
    }

    @Test
    void aLoopWithWorkWaitingHandsTheSyncToTheSyncThread() throws Exception {
        requestAndWait(committer(), true);
        assertThat(syncedOn).containsExactly("test-sync");
    }

    @Test
    void aSlowDiskIsNeverSyncedOnTheLoop() throws Exception {
        GroupCommitter committer = committer();
        syncNanos = TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < 20; i++) {
            requestAndWait(committer, false);
        }
        // The first syncs ran on the idle loop; once they averaged over a millisecond, none did.
        assertThat(syncedOn.get(0)).isEqualTo("test-loop");
        assertThat(syncedOn.subList(10, 20)).containsOnly("test-sync");
    }
}
