package io.consensus.paxos;

/**
 * Ballot numbers, encoded into the {@code long} that the shared log calls an era.
 *
 * <p>A ballot is the pair (round, member) ordered by round, then by member: Paxos Made Simple §2.2
 * asks only that "different proposals have different numbers" and that a proposer can always pick a
 * higher one. We encode it as {@code round << 16 | ordinal}, where {@code ordinal} in 1..65535 stands
 * for the proposer: a hash of its id, made unique among the voters of the configuration it campaigns
 * in ({@link Configs#ordinal}). Comparing the longs compares (round, ordinal). Ordinal 0 is never a
 * proposer's: a ballot {@code (r, 0)} is a marker below every real ballot of round {@code r}, which an
 * acceptor promises to make every holder of a lower ballot pick a new one. Era 0 means "no ballot".
 *
 * <p>Two members can share an ordinal only if their ids' hashes collide. Even then they cannot both
 * use one ballot: an acceptor records whom it promised a ballot to and refuses the same ballot from
 * anyone else (raising its promise to the marker above, so both move on), and a candidate needs
 * promises from a quorum of every configuration its recovered slots pass through, where consecutive
 * configurations differ by one voter so their quorums intersect (docs/paxos.md, "Ballots").
 */
final class Ballot {

    /** No ballot: nothing promised or accepted yet. */
    static final long NONE = 0;
    static final int ORDINAL_BITS = 16;
    static final int MAX_ORDINAL = (1 << ORDINAL_BITS) - 1;
    static final long MAX_ROUND = (1L << (63 - ORDINAL_BITS)) - 1;

    private Ballot() {}

    /** The ballot of {@code round} for the member with {@code ordinal} (0 only for markers). */
    static long of(long round, int ordinal) {
        if (round < 0 || round > MAX_ROUND) {
            throw new IllegalStateException("ballot round " + round + " is out of range");
        }
        if (ordinal < 0 || ordinal > MAX_ORDINAL) {
            throw new IllegalStateException("ballot ordinal " + ordinal + " is out of range");
        }
        return round << ORDINAL_BITS | ordinal;
    }

    static long round(long ballot) {
        return ballot >>> ORDINAL_BITS;
    }

    static int ordinal(long ballot) {
        return (int) (ballot & MAX_ORDINAL);
    }

    /** The marker ballot just above every ballot of {@code ballot}'s round. */
    static long markerAbove(long ballot) {
        return of(round(ballot) + 1, 0);
    }

    /** Human text: {@code round.ordinal}. */
    static String describe(long ballot) {
        return round(ballot) + "." + ordinal(ballot);
    }
}
