package io.consensus.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void probingAllowsOneBatchThenPipelinesAfterAnAcknowledgement() {
        Progress progress = new Progress("b", 1, 3);

        progress.sent(5);
        assertThat(progress.canSend()).as("probing: one in flight").isFalse();
        progress.acknowledged(5, 1);
        progress.sent(10);
        progress.sent(15);
        progress.sent(20);

        assertThat(progress.canSend()).as("window of 3 full").isFalse();
        assertThat(progress.nextIndex()).isEqualTo(21);
        assertThat(progress.matchIndex()).isEqualTo(5);
    }

    @Test
    void anAcknowledgementFreesOnlyTheBatchesItCovers() {
        Progress progress = new Progress("b", 1, 2);
        progress.sent(1);
        progress.acknowledged(1, 1);
        progress.sent(4);
        progress.sent(8);

        progress.acknowledged(1, 2); // a duplicate of an old acknowledgement
        assertThat(progress.inflight()).isEqualTo(2);
        progress.acknowledged(4, 3);
        assertThat(progress.inflight()).isEqualTo(1);
        assertThat(progress.matchIndex()).isEqualTo(4);
    }

    @Test
    void rejectionReturnsToProbingFromTheHint() {
        Progress progress = new Progress("b", 10, 4);
        progress.acknowledged(3, 1);

        progress.rejected(2, 2);

        assertThat(progress.probing()).isTrue();
        assertThat(progress.nextIndex()).as("never below match + 1").isEqualTo(4);
        assertThat(progress.inflight()).isZero();
    }

    @Test
    void contactIsReadAndClearedForCheckQuorum() {
        Progress progress = new Progress("b", 1, 1);
        progress.markContact(7);

        assertThat(progress.takeRecentlyActive()).isTrue();
        assertThat(progress.takeRecentlyActive()).isFalse();
        assertThat(progress.lastContactTick()).isEqualTo(7);
    }
}
