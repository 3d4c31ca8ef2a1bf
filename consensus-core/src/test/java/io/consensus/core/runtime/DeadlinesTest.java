package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void expiresFromTheHeadAndDropsFinishedItemsOnTheWay() {
        Deadlines<String> deadlines = new Deadlines<>();
        deadlines.add(100, "a");
        deadlines.add(110, "b");
        deadlines.add(120, "c");
        List<String> expired = new ArrayList<>();

        deadlines.sweep(99, item -> false, expired::add);
        assertThat(expired).isEmpty();

        deadlines.sweep(115, Set.of("a")::contains, expired::add);
        assertThat(expired).as("a finished, b expired, c not yet due").containsExactly("b");
        assertThat(deadlines.size()).isEqualTo(1);

        deadlines.sweep(1_000, item -> true, expired::add);
        assertThat(expired).as("c finished before the sweep saw it expire").containsExactly("b");
        assertThat(deadlines.size()).isZero();
    }
}
