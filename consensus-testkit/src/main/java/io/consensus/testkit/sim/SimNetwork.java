package io.consensus.testkit.sim;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated network between members: per-message latency, loss, duplication and reordering
 * from a {@link NetworkModel}, plus directed link blocks for partitions (symmetric, one-way, bridge).
 * A message is dropped if its link is blocked when it is sent or when it would arrive, or if its
 * receiver is down. Deliveries are ownerless events; the receiver's runtime queues them on its loop.
 * Members added later (a membership change) join with every link open.
 */
final class SimNetwork {

    private final Scheduler scheduler;
    private final SplittableRandom random;
    private final Trace trace;
    private final Coverage coverage;
    private final List<String> ids;
    private long groupMessagesSent;
    private final List<Transport.Receiver> receivers = new ArrayList<>();
    private boolean[][] blocked;
    private NetworkModel model;
    private java.util.function.IntConsumer onSend = from -> { };

    SimNetwork(Scheduler scheduler, SplittableRandom random, Trace trace, Coverage coverage, List<String> initialIds,
               NetworkModel model) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.coverage = coverage;
        this.ids = new ArrayList<>();
        this.blocked = new boolean[0][0];
        this.model = model;
        initialIds.forEach(this::add);
    }

    /** Adds a member with every link open; returns its index. */
    int add(String id) {
        int index = ids.size();
        ids.add(id);
        receivers.add(null);
        boolean[][] grown = new boolean[index + 1][index + 1];
        for (int i = 0; i < index; i++) {
            System.arraycopy(blocked[i], 0, grown[i], 0, index);
        }
        blocked = grown;
        return index;
    }

    /** The transport of member {@code index}'s current incarnation. */
    Transport transport(int index) {
        return new Transport() {
            private Receiver receiver;

            @Override
            public void start(Receiver r) {
                receiver = r;
                receivers.set(index, r);
            }

            @Override
            public void updateMembers(Collection<Member> members) {
                // Addresses mean nothing here.
            }

            @Override
            public void send(Envelope envelope) {
                SimNetwork.this.send(envelope);
            }

            @Override
            public void close() {
                detach(index, receiver);
            }
        };
    }

    /** Stops delivering to member {@code index} (it crashed). */
    void detach(int index, Transport.Receiver receiver) {
        if (receiver == null || receivers.get(index) == receiver) {
            receivers.set(index, null);
        }
    }

    /** Told of every send, with the sender's index (the fault injector's hook). */
    void onSend(java.util.function.IntConsumer value) {
        onSend = value;
    }

    void model(NetworkModel value) {
        model = value;
    }

    NetworkModel model() {
        return model;
    }

    /** Blocks messages from {@code from} to {@code to}. */
    void block(int from, int to) {
        blocked[from][to] = true;
    }

    /** Blocks every link between a member of {@code side} and one outside it. */
    void split(boolean[] side) {
        for (int a = 0; a < side.length; a++) {
            for (int b = 0; b < side.length; b++) {
                if (side[a] != side[b]) {
                    blocked[a][b] = true;
                }
            }
        }
    }

    /** Unblocks every link. */
    void heal() {
        for (boolean[] row : blocked) {
            Arrays.fill(row, false);
        }
    }

    /** Whether any link is blocked. */
    boolean partitioned() {
        for (boolean[] row : blocked) {
            for (boolean b : row) {
                if (b) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Envelopes of a group (not node liveness messages) handed to the network so far. */
    long groupMessagesSent() {
        return groupMessagesSent;
    }

    private void send(Envelope envelope) {
        if (!envelope.groupId().isEmpty()) {
            groupMessagesSent++;
        }
        int from = ids.indexOf(envelope.from());
        int to = ids.indexOf(envelope.to());
        if (from < 0 || to < 0) {
            coverage.messagesDropped++;
            return;
        }
        onSend.accept(from);
        if (blocked[from][to] || random.nextDouble() < model.lossProbability()) {
            coverage.messagesDropped++;
            return;
        }
        scheduleDelivery(envelope, from, to);
        if (random.nextDouble() < model.duplicateProbability()) {
            coverage.messagesDuplicated++;
            scheduleDelivery(envelope, from, to);
        }
    }

    private void scheduleDelivery(Envelope envelope, int from, int to) {
        long latency;
        if (random.nextDouble() < model.tailProbability()) {
            latency = between(model.latencyTypicalMicros(), model.latencyTailMicros());
        } else {
            latency = between(model.latencyMinMicros(), model.latencyTypicalMicros());
        }
        scheduler.after(latency, null, this, () -> deliver(envelope, from, to));
    }

    private long between(long low, long high) {
        return high <= low ? low : low + random.nextLong(high - low + 1);
    }

    private void deliver(Envelope envelope, int from, int to) {
        Transport.Receiver receiver = receivers.get(to);
        if (blocked[from][to] || receiver == null) {
            coverage.messagesDropped++;
            return;
        }
        coverage.messagesDelivered++;
        trace.delivered(scheduler.nowMicros(), envelope);
        receiver.receive(envelope);
    }
}
