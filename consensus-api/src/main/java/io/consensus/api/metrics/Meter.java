package io.consensus.api.metrics;

/** A registered meter. */
public interface Meter {

    /**
     * Unregisters this meter, e.g. when its group closes or its peer leaves, so that a closed group
     * does not report stale values. Recording on a removed meter does nothing. Idempotent.
     */
    void remove();
}
