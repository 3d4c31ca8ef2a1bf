package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SequenceSetTest {

    @Test
    void behavesLikeASortedSetUnderOutOfOrderAddsAndTrims() {
        Random random = new Random(7);
        SequenceSet set = new SequenceSet();
        TreeSet<Long> model = new TreeSet<>();
        long floor = 0;
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(10) == 0) {
                floor += random.nextInt(20);
                set.removeBelow(floor);
                model.headSet(floor).clear();
            } else {
                long sequence = floor + random.nextInt(64);
                assertThat(set.add(sequence)).isEqualTo(model.add(sequence));
            }
            assertThat(set.size()).isEqualTo(model.size());
        }
        assertThat(set.toArray()).containsExactly(model.stream().mapToLong(Long::longValue).toArray());
    }
}
