package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.consensus.api.FollowerProgress;
import io.consensus.api.GroupStatus;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.Role;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class LaggingFollowersTest {

    private final LaggingFollowers lagging = new LaggingFollowers(3_000, 10_000);

    private static GroupStatus leading(FollowerProgress... followers) {
        return status(Role.LEADER, followers);
    }

    private static GroupStatus status(Role role, FollowerProgress... followers) {
        Membership membership = Membership.ofVoters(new TreeSet<>(List.of(Member.local("n1"), Member.local("n2"), Member.local("n3"))));
        return new GroupStatus("g", "n1", "raft", role, "n1", 3, "term 3", 500, 500, membership, List.of(followers), false);
    }

    @Test
    void aFollowerSilentPastTheThresholdIsReportedOnceAndItsRecoveryOnce() {
        try (LogEvents log = new LogEvents()) {
            lagging.check(leading(new FollowerProgress("n2", 500, 0, 50), new FollowerProgress("n3", 400, 100, 3_001)));
            lagging.check(leading(new FollowerProgress("n2", 500, 0, 50), new FollowerProgress("n3", 400, 100, 4_000)));
            lagging.check(leading(new FollowerProgress("n2", 500, 0, 50), new FollowerProgress("n3", 500, 0, 20)));

            List<ILoggingEvent> events = log.from(LaggingFollowers.class);
            assertThat(events).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
            assertThat(events.get(0).getFormattedMessage())
                    .contains("follower n3 is lagging", "100 entries behind", "3001 ms ago");
            assertThat(events.get(1).getFormattedMessage()).contains("follower n3 caught up");
        }
    }

    @Test
    void aFollowerTooManyEntriesBehindIsLaggingEvenWhileItAcknowledges() {
        try (LogEvents log = new LogEvents()) {
            lagging.check(leading(new FollowerProgress("n2", 10, 10_001, 5)));

            assertThat(log.from(LaggingFollowers.class)).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("n2 is lagging: 10001 entries behind"));
        }
    }

    @Test
    void losingLeadershipForgetsLaggingFollowersSoANewTermReportsAgain() {
        try (LogEvents log = new LogEvents()) {
            lagging.check(leading(new FollowerProgress("n2", 10, 0, 5_000)));
            lagging.check(status(Role.FOLLOWER));
            lagging.check(leading(new FollowerProgress("n2", 10, 0, 5_000)));

            assertThat(log.from(LaggingFollowers.class)).hasSize(2).allMatch(e -> e.getLevel() == Level.WARN);
        }
    }
}
