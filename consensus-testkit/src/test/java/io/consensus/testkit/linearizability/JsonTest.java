package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesLiterals() {
        assertThat(Json.parse("true")).isEqualTo(true);
        assertThat(Json.parse(" false ")).isEqualTo(false);
        assertThat(Json.parse("null")).isNull();
    }

    @Test
    void parsesIntegersAsLongsAndOtherNumbersAsDoubles() {
        assertThat(Json.parse("0")).isEqualTo(0L);
        assertThat(Json.parse("-17")).isEqualTo(-17L);
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("1.5")).isEqualTo(1.5);
        assertThat(Json.parse("-2e3")).isEqualTo(-2000.0);
        assertThat(Json.parse("1E+2")).isEqualTo(100.0);
        assertThat(Json.parse("92233720368547758070")).isEqualTo(9.223372036854775807E19);
    }

    @Test
    void decodesEveryStringEscape() {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
        assertThat(Json.parse("\"\\u00e9\\u00E9\"")).isEqualTo("éé");
        assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
        assertThat(Json.parse("\"é, ok\"")).isEqualTo("é, ok");
    }

    @Test
    void parsesNestedObjectsAndArraysInDocumentOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", null);
        inner.put("a", List.of());
        Object parsed = Json.parse("{ \"b\" : [1, \"x\", {\"z\":null, \"a\":[]}], \"a\": {} }");

        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> object = (Map<?, ?>) parsed;
        assertThat(object.keySet().toArray()).containsExactly("b", "a");
        assertThat(object.get("b")).isEqualTo(Arrays.asList(1L, "x", inner));
        assertThat(object.get("a")).isEqualTo(Map.of());
    }

    @Test
    void rejectsMalformedInput() {
        for (String malformed : List.of("", "tru", "nul", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}",
                "{a:1}", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12g4\"", "01", "-", "1.",
                "1e", "[1] 2", "\"tab\there\"", "{\"a\":1,\"a\":2}")) {
            assertThatIllegalArgumentException().as(malformed).isThrownBy(() -> Json.parse(malformed))
                    .withMessageStartingWith("invalid JSON at offset");
        }
    }
}
