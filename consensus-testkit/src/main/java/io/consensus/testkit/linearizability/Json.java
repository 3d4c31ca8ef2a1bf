package io.consensus.testkit.linearizability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON parser (RFC 8259), enough to read history files without a JSON library.
 * Values become {@code Map<String, Object>} (in document order), {@code List<Object>},
 * {@code String}, {@code Long} for integers that fit, {@code Double} for other numbers,
 * {@code Boolean}, or {@code null}.
 */
final class Json {

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value that makes up the whole of {@code text}. */
    static Object parse(String text) {
        Json parser = new Json(text);
        Object value = parser.value();
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected trailing text");
        }
        return value;
    }

    private Object value() {
        skipWhitespace();
        if (pos == text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> members = new LinkedHashMap<>();
        pos++; // '{'
        skipWhitespace();
        if (tryConsume('}')) {
            return members;
        }
        do {
            skipWhitespace();
            if (pos == text.length() || text.charAt(pos) != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipWhitespace();
            if (members.containsKey(name)) {
                throw error("duplicate member \"" + name + "\"");
            }
            expect(':');
            members.put(name, value());
            skipWhitespace();
        } while (tryConsume(','));
        expect('}');
        return members;
    }

    private List<Object> array() {
        List<Object> elements = new ArrayList<>();
        pos++; // '['
        skipWhitespace();
        if (tryConsume(']')) {
            return elements;
        }
        do {
            elements.add(value());
            skipWhitespace();
        } while (tryConsume(','));
        expect(']');
        return elements;
    }

    private String string() {
        pos++; // opening quote
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos == text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character in string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (pos == text.length()) {
                throw error("unterminated escape");
            }
            char escaped = text.charAt(pos++);
            switch (escaped) {
                case '"', '\\', '/' -> s.append(escaped);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append(unicodeEscape());
                default -> throw error("invalid escape '\\" + escaped + "'");
            }
        }
    }

    /** The four hex digits after {@code \\u}; surrogate pairs arrive as two escapes. */
    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = "0123456789abcdef".indexOf(Character.toLowerCase(text.charAt(pos++)));
            if (digit < 0) {
                throw error("invalid hex digit in \\u escape");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private Object number() {
        int start = pos;
        tryConsume('-');
        if (!tryConsume('0')) {
            digits();
        }
        boolean integral = true;
        if (tryConsume('.')) {
            integral = false;
            digits();
        }
        if (tryConsume('e') || tryConsume('E')) {
            integral = false;
            if (!tryConsume('+')) {
                tryConsume('-');
            }
            digits();
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLarge) {
                // Falls through: JSON does not bound integers, a double approximates them.
            }
        }
        return Double.parseDouble(literal);
    }

    private void digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("expected a digit");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private boolean tryConsume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!tryConsume(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + problem);
    }
}
