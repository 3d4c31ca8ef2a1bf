package io.consensus.api;

/** A configuration value is missing or invalid. The message names the key and what is allowed. */
public final class ConfigException extends IllegalArgumentException {

    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The configuration key at fault, e.g. {@code consensus.protocol}. */
    public String key() {
        return key;
    }
}
