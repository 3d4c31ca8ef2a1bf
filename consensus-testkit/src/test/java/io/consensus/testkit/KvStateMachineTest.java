package io.consensus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {

    private final KvStateMachine kv = new KvStateMachine();

    private String get(String key) {
        return KvStateMachine.value(kv.query(KvStateMachine.get(key)));
    }

    @Test
    void putWritesAndGetReads() {
        assertThat(get("a")).isNull();
        assertThat(KvStateMachine.text(kv.apply(1, KvStateMachine.put("a", "1")))).isEqualTo("ok");
        assertThat(get("a")).isEqualTo("1");
    }

    @Test
    void putOfNullDeletes() {
        kv.apply(1, KvStateMachine.put("a", "1"));
        kv.apply(2, KvStateMachine.put("a", null));
        assertThat(get("a")).isNull();
        assertThat(kv.contents()).isEmpty();
    }

    @Test
    void getResultNamesItsKey() {
        assertThat(KvStateMachine.key(kv.query(KvStateMachine.get("k7")))).isEqualTo("k7");
    }

    @Test
    void emptyValueIsNotAbsent() {
        kv.apply(1, KvStateMachine.put("a", ""));
        assertThat(get("a")).isEqualTo("");
    }

    @Test
    void casWritesOnlyWhenTheExpectedValueIsCurrent() {
        assertThat(KvStateMachine.text(kv.apply(1, KvStateMachine.cas("a", null, "x")))).isEqualTo("true");
        assertThat(KvStateMachine.text(kv.apply(2, KvStateMachine.cas("a", null, "y")))).isEqualTo("false");
        assertThat(KvStateMachine.text(kv.apply(3, KvStateMachine.cas("a", "x", "z")))).isEqualTo("true");
        assertThat(get("a")).isEqualTo("z");
    }

    @Test
    void snapshotRestoresTheSameContents() throws Exception {
        kv.apply(1, KvStateMachine.put("b", "2"));
        kv.apply(2, KvStateMachine.put("a", "1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.snapshot(out);

        KvStateMachine copy = new KvStateMachine();
        copy.apply(1, KvStateMachine.put("stale", "x"));
        copy.restore(new ByteArrayInputStream(out.toByteArray()));

        assertThat(copy.contents()).isEqualTo(kv.contents()).containsOnlyKeys("a", "b");
    }

    @Test
    void commandsDecodeToWhatWasEncoded() {
        KvStateMachine.Command cas = KvStateMachine.decode(KvStateMachine.cas("k", null, "v"));
        assertThat(cas.isCas()).isTrue();
        assertThat(cas.key()).isEqualTo("k");
        assertThat(cas.expect()).isNull();
        assertThat(cas.value()).isEqualTo("v");
    }

    @Test
    void getIsNotACommandAndGarbageIsRejected() {
        assertThatThrownBy(() -> kv.apply(1, KvStateMachine.get("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvStateMachine.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
    }
}
