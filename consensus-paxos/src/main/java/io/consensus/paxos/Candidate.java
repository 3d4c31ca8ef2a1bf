package io.consensus.paxos;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.core.protocol.Quorum;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.paxos.PaxosMessage.SnapshotRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Phase 1 of Multi-Paxos, run once for every slot from the candidate's first unchosen one
 * (Paxos Made Simple §3). The candidate collects promises, each with what the acceptor accepted from
 * that slot on, until it holds a quorum of every configuration the recovered slots pass through; it
 * then proposes, per slot, the value accepted with the highest ballot, a no-op where nothing was
 * accepted, and only then new commands.
 */
final class Candidate {

    final PaxosCore core;
    final long ballot;
    final long fromSlot;
    final long transferFrom;
    private final Membership startConfig;
    private final Map<String, Collected> promises = new TreeMap<>();
    private final Set<String> refused = new TreeSet<>();
    private final Set<String> asked = new TreeSet<>();
    /** Still probing: nothing promised yet, not even to itself. */
    private boolean probing;
    private final Set<String> wouldPromise = new TreeSet<>();

    /** The promise chunks received from one acceptor. */
    private static final class Collected {
        final TreeMap<Long, Promise> chunks = new TreeMap<>();

        /** The chunks from {@code from} to the acceptor's last slot, or null while some are missing. */
        List<Promise> chain(long from) {
            List<Promise> chain = new ArrayList<>();
            long next = from;
            while (true) {
                Promise chunk = chunks.get(next);
                if (chunk == null || chunk.chunkTo() < next - 1) {
                    return null;
                }
                chain.add(chunk);
                if (chunk.last()) {
                    return chain;
                }
                if (chunk.chunkTo() < next) {
                    return null;
                }
                next = chunk.chunkTo() + 1;
            }
        }

        long compactedThrough() {
            return chunks.values().stream().mapToLong(Promise::compactedThrough).max().orElse(0);
        }

        boolean amnesic() {
            return chunks.values().stream().anyMatch(c -> c.forgotThrough() > 0);
        }
    }

    Candidate(PaxosCore core, long ballot, long fromSlot, Membership startConfig, long transferFrom) {
        this.core = core;
        this.ballot = ballot;
        this.fromSlot = fromSlot;
        this.startConfig = startConfig;
        this.transferFrom = transferFrom;
    }

    /**
     * Starts with a probe (no state changes anywhere until a quorum would promise), or, for a transfer
     * or a healthy leader's new ballot, with phase 1 itself.
     */
    void start(boolean probe) {
        if (!probe) {
            prepare();
            return;
        }
        probing = true;
        wouldPromise.add(core.self);
        for (Member voter : startConfig.voters()) {
            if (!voter.id().equals(core.self)) {
                core.out.send(voter.id(), new Prepare(ballot, fromSlot, transferFrom, true));
            }
        }
        if (Quorum.isQuorum(startConfig, wouldPromise)) {
            prepare();
        }
    }

    void onProbeGranted(String from) {
        if (probing && wouldPromise.add(from) && Quorum.isQuorum(startConfig, wouldPromise)) {
            prepare();
        }
    }

    /** Phase 1 proper: promises its own ballot durably, then asks the others. */
    private void prepare() {
        probing = false;
        refused.clear();
        if (ballot <= core.promised) {
            core.stepDown(null); // it promised a higher ballot meanwhile
            return;
        }
        core.promise(ballot, core.self);
        // Its own promise: what it accepted itself from fromSlot on (its log is complete below it).
        List<LogEntry> own = core.log.entries(fromSlot, core.log.lastIndex() + 1, Long.MAX_VALUE);
        Collected self = new Collected();
        self.chunks.put(fromSlot, new Promise(ballot, fromSlot, core.commitIndex, fromSlot - 1, 0, fromSlot,
                Math.max(core.log.lastIndex(), fromSlot - 1), true, own));
        promises.put(core.self, self);
        ask(startConfig);
        evaluate();
    }

    void onPromise(String from, Promise m) {
        if (probing || m.fromSlot() != fromSlot) {
            return;
        }
        promises.computeIfAbsent(from, id -> new Collected()).chunks.put(m.chunkFrom(), m);
        evaluate();
    }

    /** A refusal without a higher promise (a lease, a fresh or amnesic acceptor): give up if no quorum is left. */
    void onRefused(String from) {
        refused.add(from);
        Set<String> granted = probing ? wouldPromise : complete().keySet();
        if (Quorum.tally(startConfig, granted, refused) == Quorum.VoteResult.LOST) {
            core.stepDown(null);
        }
    }

    private void ask(Membership config) {
        for (Member voter : config.voters()) {
            if (!voter.id().equals(core.self) && asked.add(voter.id())) {
                // Sent only once its own promise of this ballot is durable.
                core.out.sendAfterPersist(voter.id(), new Prepare(ballot, fromSlot, transferFrom, false));
            }
        }
    }

    private Map<String, List<Promise>> complete() {
        Map<String, List<Promise>> complete = new TreeMap<>();
        for (Map.Entry<String, Collected> e : promises.entrySet()) {
            List<Promise> chain = e.getValue().chain(fromSlot);
            if (chain != null) {
                complete.put(e.getKey(), chain);
            }
        }
        return complete;
    }

    private void evaluate() {
        String furthest = null;
        long furthestThrough = fromSlot - 1;
        for (Map.Entry<String, Collected> e : promises.entrySet()) {
            long through = e.getValue().compactedThrough();
            if (through > furthestThrough) {
                furthest = e.getKey();
                furthestThrough = through;
            }
        }
        if (furthest != null) {
            // Some slots it must recover are compacted into another member's snapshot: it is behind. It
            // asks that one member for the snapshot and campaigns again later.
            if (core.now - core.snapshotRequestTick >= core.electionTicks) {
                core.snapshotRequestTick = core.now;
                core.out.send(furthest, new SnapshotRequest(ballot));
            }
            core.stepDown(null);
            return;
        }
        Map<String, List<Promise>> complete = complete();
        TreeMap<Long, LogEntry> highest = new TreeMap<>();
        TreeMap<Long, LogEntry> chosen = new TreeMap<>();
        for (List<Promise> chain : complete.values()) {
            for (Promise chunk : chain) {
                for (LogEntry entry : chunk.entries()) {
                    merge(highest, chosen, entry, entry.index() <= chunk.commit());
                }
            }
        }
        // Walk the slots in order: a configuration chosen in slot j governs the slots after it, and the
        // candidate needs promises from a quorum of each configuration it will propose in.
        List<Membership> needed = new ArrayList<>();
        needed.add(startConfig);
        List<LogEntry> recovered = new ArrayList<>();
        long maxSlot = highest.isEmpty() ? fromSlot - 1 : highest.lastKey();
        for (long slot = fromSlot; slot <= maxSlot; slot++) {
            LogEntry value = highest.get(slot);
            LogEntry known = chosen.get(slot);
            if (known != null && !PaxosCore.sameValue(known, value)) {
                // Every entry known chosen was accepted at or above the ballot that chose it, and every
                // proposal above that ballot carries the chosen value: the highest entry must too.
                throw new IllegalStateException("slot " + slot + " is known chosen as " + known
                        + " but the highest ballot accepted " + value);
            }
            if (value == null) {
                recovered.add(LogEntry.noop(slot, ballot)); // a hole: nothing can have been chosen here
                continue;
            }
            recovered.add(new LogEntry(slot, ballot, value.kind(), value.payload()));
            if (value.kind() == EntryKind.CONFIG) {
                Membership next = MembershipCodec.decode(value.payload());
                needed.add(next);
                ask(next);
            }
        }
        Set<String> promisers = new LinkedHashSet<>(complete.keySet());
        Set<String> reliable = new LinkedHashSet<>(promisers);
        reliable.removeIf(id -> promises.get(id).amnesic());
        for (Membership config : needed) {
            if (!Quorum.isQuorum(config, promisers) || !intersectsEveryQuorum(config, reliable)) {
                return;
            }
        }
        if (core.faults.skipNoopFill()) {
            recovered = List.of(); // the bug: forget what the quorum accepted and start afresh
            chosen.clear();
        }
        core.becomeLeader(this, recovered, chosen.keySet());
    }

    /**
     * Whether {@code members} meet every majority of the configuration's voters: then a value chosen by
     * any quorum was accepted by one of them. Promisers that may have forgotten accepted values do not
     * count (the intersection argument of Howard et al., Flexible Paxos, 2016).
     */
    static boolean intersectsEveryQuorum(Membership config, Set<String> members) {
        long present = config.voters().stream().filter(m -> members.contains(m.id())).count();
        return present >= config.voters().size() - Quorum.majority(config.voters().size()) + 1;
    }

    /**
     * Keeps, per slot, the entry with the highest ballot (Paxos Made Simple §2.2, P2c) and the value an
     * acceptor knew chosen. Both must agree, and one ballot proposes one value per slot.
     */
    private static void merge(TreeMap<Long, LogEntry> highest, TreeMap<Long, LogEntry> chosen, LogEntry entry,
                              boolean knownChosen) {
        long slot = entry.index();
        LogEntry best = highest.get(slot);
        if (best == null || entry.era() > best.era()) {
            highest.put(slot, entry);
        } else if (entry.era() == best.era() && !PaxosCore.sameValue(entry, best)) {
            throw new IllegalStateException("slot " + slot + " has two values accepted in ballot "
                    + Ballot.describe(entry.era()) + ": " + best + " and " + entry);
        }
        if (knownChosen) {
            LogEntry known = chosen.putIfAbsent(slot, entry);
            if (known != null && !PaxosCore.sameValue(known, entry)) {
                throw new IllegalStateException("slot " + slot + " is known chosen with two values: " + known + " and "
                        + entry);
            }
        }
    }
}
