package io.consensus.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class QuorumTest {

    private static TreeSet<Member> members(String... ids) {
        TreeSet<Member> set = new TreeSet<>();
        for (String id : ids) {
            set.add(Member.local(id));
        }
        return set;
    }

    private static final Membership THREE = Membership.ofVoters(members("a", "b", "c"));
    private static final Membership JOINT = new Membership(members("c", "d", "e"), members(), members("a", "b", "c"));

    @Test
    void majorityIsMoreThanHalf() {
        assertThat(Quorum.majority(1)).isEqualTo(1);
        assertThat(Quorum.majority(2)).isEqualTo(2);
        assertThat(Quorum.majority(3)).isEqualTo(2);
        assertThat(Quorum.majority(4)).isEqualTo(3);
        assertThat(Quorum.majority(5)).isEqualTo(3);
    }

    @Test
    void committedIsThePositionAMajorityReached() {
        Map<String, Long> match = Map.of("a", 7L, "b", 5L, "c", 2L);

        assertThat(Quorum.committed(THREE, id -> match.getOrDefault(id, 0L))).isEqualTo(5);
    }

    @Test
    void jointCommitNeedsBothMajorities() {
        Map<String, Long> match = Map.of("a", 9L, "b", 9L, "c", 4L, "d", 3L, "e", 1L);

        // old {a,b,c} reached 9, new {c,d,e} only 3: the joint position is the lower one.
        assertThat(Quorum.committed(JOINT, id -> match.getOrDefault(id, 0L))).isEqualTo(3);
    }

    @Test
    void tallyWinsLosesOrWaits() {
        assertThat(Quorum.tally(THREE, Set.of("a", "b"), Set.of())).isEqualTo(Quorum.VoteResult.WON);
        assertThat(Quorum.tally(THREE, Set.of("a"), Set.of("b", "c"))).isEqualTo(Quorum.VoteResult.LOST);
        assertThat(Quorum.tally(THREE, Set.of("a"), Set.of("b"))).isEqualTo(Quorum.VoteResult.PENDING);
    }

    @Test
    void jointTallyNeedsBothSides() {
        assertThat(Quorum.tally(JOINT, Set.of("a", "b", "c"), Set.of())).isEqualTo(Quorum.VoteResult.PENDING);
        assertThat(Quorum.tally(JOINT, Set.of("a", "c", "d"), Set.of())).isEqualTo(Quorum.VoteResult.WON);
        assertThat(Quorum.tally(JOINT, Set.of("a", "b", "c"), Set.of("d", "e"))).isEqualTo(Quorum.VoteResult.LOST);
    }

    @Test
    void learnersNeverCount() {
        Membership withLearner = new Membership(members("a", "b", "c"), members("l"), members());

        assertThat(Quorum.isQuorum(withLearner, Set.of("a", "l"))).isFalse();
        assertThat(Quorum.isQuorum(withLearner, Set.of("a", "b"))).isTrue();
    }
}
