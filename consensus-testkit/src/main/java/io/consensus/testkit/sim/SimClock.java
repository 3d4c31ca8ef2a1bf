package io.consensus.testkit.sim;

/**
 * One member's monotonic clock: it starts at an arbitrary offset and runs at a constant rate near
 * 1 (drift), so {@code nowMillis} and timer delays on different members disagree within the
 * configured bound, as real oscillators do.
 *
 * @param offsetMillis the clock's reading at virtual time {@code startMicros}
 * @param rate         local milliseconds per virtual millisecond
 * @param startMicros  the virtual time the clock was created
 */
record SimClock(long offsetMillis, double rate, long startMicros) {

    SimClock {
        if (!(rate > 0.5 && rate < 2)) {
            throw new IllegalArgumentException("clock rate " + rate + " is outside (0.5, 2)");
        }
    }

    /** The local reading at virtual time {@code virtualMicros}. */
    long nowMillis(long virtualMicros) {
        return offsetMillis + (long) Math.floor((virtualMicros - startMicros) * rate / 1000.0);
    }

    /** The virtual microseconds that pass while this clock advances {@code localMillis}. */
    long virtualMicros(long localMillis) {
        return (long) Math.ceil(localMillis * 1000.0 / rate);
    }
}
