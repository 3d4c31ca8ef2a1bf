package io.consensus.paxos;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.core.protocol.MembershipCodec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations known chosen, by the slot from which each governs. A {@code CONFIG} value chosen
 * in slot {@code j} governs slots {@code > j} (docs/paxos.md, "Reconfiguration": the leader proposes
 * nothing after an unchosen configuration, so every slot's configuration is fixed before any value
 * for it is proposed). Only chosen values enter here; a replica's accepted but unchosen entries never
 * change its configuration.
 */
final class Configs {

    /** Configuration at {@code slot} and below; null for a member that knows none yet. */
    private Membership base;
    private long baseSlot;
    /** Chosen CONFIG values above {@link #baseSlot}, by slot. */
    private final TreeMap<Long, Membership> chosen = new TreeMap<>();

    Configs(Membership base, long baseSlot) {
        this.base = base;
        this.baseSlot = baseSlot;
    }

    /** The configuration governing {@code slot}: the latest chosen one in a slot below it. */
    Membership at(long slot) {
        Map.Entry<Long, Membership> latest = chosen.lowerEntry(slot);
        return latest != null ? latest.getValue() : base;
    }

    /** Whether the configuration of {@code slot} is known: it is above the base (the snapshot's slot). */
    boolean knowsAt(long slot) {
        return base != null && slot > baseSlot || chosen.lowerKey(slot) != null;
    }

    /** The slot of the configuration governing {@code slot} (0 for the bootstrap one). */
    long slotOf(long slot) {
        Map.Entry<Long, Membership> latest = chosen.lowerEntry(slot);
        return latest != null ? latest.getKey() : baseSlot;
    }

    /** Records a chosen entry; returns its configuration if it is one. */
    Membership chosen(LogEntry entry) {
        if (entry.kind() != EntryKind.CONFIG || entry.index() <= baseSlot) {
            return null;
        }
        Membership membership = MembershipCodec.decode(entry.payload());
        chosen.put(entry.index(), membership);
        return membership;
    }

    /** A configuration known chosen in {@code slot} (0: the bootstrap configuration), e.g. from metadata. */
    void record(long slot, Membership membership) {
        if (slot <= baseSlot) {
            if (base == null && slot == baseSlot) {
                base = membership;
            }
            return;
        }
        chosen.put(slot, membership);
    }

    /** A snapshot covers everything up to {@code slot}; {@code membership} governs the slots after it. */
    void reset(long slot, Membership membership) {
        chosen.headMap(slot, true).clear();
        if (slot >= baseSlot) {
            base = membership;
            baseSlot = slot;
        }
    }

    /**
     * The member's ballot ordinal in this configuration, 0 if it does not vote there. It is derived from
     * a hash of its id, so it stays the same when the configuration changes; voters whose hashes collide
     * (rare) take the next free ordinal in id order, which is the only case where a member's ordinal
     * depends on the configuration (such collisions are still safe, see {@link Acceptor}).
     */
    static int ordinal(Membership membership, String memberId) {
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (Member voter : membership.voters()) {
            int ordinal = preferredOrdinal(voter.id());
            while (!taken.add(ordinal)) {
                ordinal = ordinal % Ballot.MAX_ORDINAL + 1;
            }
            if (voter.id().equals(memberId)) {
                return ordinal;
            }
        }
        return 0;
    }

    /** 1..{@link Ballot#MAX_ORDINAL}, from the id's (JDK-specified) hash code, mixed. */
    static int preferredOrdinal(String memberId) {
        int h = memberId.hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return 1 + Math.floorMod(h, Ballot.MAX_ORDINAL);
    }

    @Override
    public String toString() {
        return "Configs{base@" + baseSlot + "=" + base + ", chosen=" + chosen.keySet() + "}";
    }
}
