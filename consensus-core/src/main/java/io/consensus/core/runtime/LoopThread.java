package io.consensus.core.runtime;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The real event loop: one thread, a lock-free queue of tasks and a timer heap that only the loop
 * thread touches. It replaces a {@code ScheduledThreadPoolExecutor}, whose single locked delay
 * queue every {@code execute} went through and whose heap profiling showed among the hottest code
 * under load. The thread parks only when there is nothing to run and is unparked only then.
 */
final class LoopThread implements EventLoop {

    private final Thread thread;
    /** Told when each task starts and ends; null when no watchdog runs. */
    private final LoopWatchdog watchdog;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Loop-thread only. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** True while the loop is (about to be) parked, so producers know to unpark it. */
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile boolean running = true;
    private long timerSeq;

    /** Starts the loop on a thread made by {@code threads} (which names it and sets its log context). */
    LoopThread(ThreadFactory threads, LoopWatchdog watchdog) {
        this.watchdog = watchdog;
        thread = threads.newThread(this::run);
        thread.start();
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public long nowNanos() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        if (!running) {
            return; // the node is closing; its groups have already failed their pending futures
        }
        tasks.add(task);
        if (parked.get() && parked.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Timer timer = new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis)), task);
        if (inLoop()) {
            addTimer(timer);
        } else {
            execute(() -> addTimer(timer));
        }
        return timer;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public boolean idle() {
        return inLoop() && tasks.isEmpty();
    }

    /** Stops the loop; queued tasks and timers are dropped. */
    void shutdown() {
        running = false;
        LockSupport.unpark(thread);
    }

    private void addTimer(Timer timer) {
        timer.seq = timerSeq++;
        timers.add(timer);
    }

    private void run() {
        while (running) {
            long now = System.nanoTime();
            Timer next;
            while ((next = timers.peek()) != null && next.deadlineNanos - now <= 0) {
                timers.poll();
                if (!next.cancelled) {
                    runSafely(next.task);
                }
            }
            // Run what is queued now; tasks queued meanwhile wait for the timers to be checked again.
            int queued = 0;
            Runnable task;
            while (queued < 4096 && (task = tasks.poll()) != null) {
                runSafely(task);
                queued++;
            }
            if (queued == 0) {
                park();
            }
        }
    }

    private void park() {
        parked.set(true);
        if (!tasks.isEmpty() || !running) {
            parked.set(false);
            return;
        }
        Timer next = timers.peek();
        if (next == null) {
            LockSupport.park(this);
        } else {
            long wait = next.deadlineNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
        parked.set(false);
    }

    private void runSafely(Runnable task) {
        LoopWatchdog.runWatched(watchdog, thread, task);
    }

    private static final class Timer implements Comparable<Timer>, Cancellable {
        final long deadlineNanos;
        final Runnable task;
        long seq;
        volatile boolean cancelled;

        Timer(long deadlineNanos, Runnable task) {
            this.deadlineNanos = deadlineNanos;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer other) {
            int byDeadline = Long.compare(deadlineNanos, other.deadlineNanos);
            return byDeadline != 0 ? byDeadline : Long.compare(seq, other.seq);
        }
    }
}
