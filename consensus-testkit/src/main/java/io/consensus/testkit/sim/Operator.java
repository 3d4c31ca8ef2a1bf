package io.consensus.testkit.sim;

import io.consensus.api.ConsensusException;
import io.consensus.api.GroupStatus;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The simulated operator of a {@link Reconfiguration}: adds, removes and replaces members and
 * transfers leadership through the public {@link io.consensus.api.ConsensusGroup} API, one request
 * at a time, as an administrator would, and starts and stops the simulated members accordingly.
 *
 * <p>It learns the configuration as an administrator does, from the member that leads (here: the
 * one in the highest era). Every so often it reconciles: a running member the configuration no
 * longer counts is stopped (a removed member thus keeps running for a while), and a stopped one it
 * counts after all (a change whose outcome was unknown took effect) is restarted from its disk.
 *
 * <p>Outcomes are checked against the API's promise: a change refused with
 * {@link Outcome#NOT_APPLIED} must never take effect. Each request has an effect (a member is
 * present, is a voter, is gone); no effect holds before the operator first asks for it (members
 * are only added with new ids, never re-added). After a refusal the effect must not show in any
 * configuration the operator sees (the leader's, which for some protocols includes changes not yet
 * committed: a change refused as not applied must not even be proposed), until it asks for the same
 * effect again. An effect that a committed request, or one whose outcome is unknown, asked for is
 * not checked: that request may have made it true.
 */
final class Operator {

    /** A refused request: what was asked and how it was refused, and when it was asked. */
    private record Refusal(String text, long askedMicros) {}

    /** What one operation does. */
    private enum Kind { ADD, REMOVE, REPLACE, TRANSFER }

    /** How a request ended, as the operator saw it. */
    enum Result { COMMITTED, REFUSED, UNKNOWN }

    private static final int MAX_PROMOTE_ATTEMPTS = 8;
    private static final RuntimeException MEMBER_DOWN = new RuntimeException("connection refused: member down");
    private static final RuntimeException NO_ANSWER = new RuntimeException("operator gave up waiting");

    private final Run run;
    private final Reconfiguration model;
    private final Scheduler scheduler;
    private final SplittableRandom random;
    private final Coverage coverage;
    private final int minVoters;
    private final int maxVoters;
    private final long timeoutMicros;
    /** Effects of refused requests not yet asked for again, with what was refused. */
    private final Map<String, Refusal> refused = new TreeMap<>();
    /** Effects a request that committed, or whose outcome is unknown, asked for. */
    private final Set<String> mayHold = new HashSet<>();
    /** Effects on the voters of requests whose outcome was unknown, until the same effect is asked for again. */
    private final Set<String> unknownVoterEffects = new HashSet<>();
    /** The member being added, which the configuration does not count yet: never stopped meanwhile. */
    private SimMember joining;
    private boolean busy;
    private boolean issuing = true;

    Operator(Run run, Reconfiguration model, Scheduler scheduler, SplittableRandom random, Coverage coverage,
             int members, long timeoutMicros) {
        this.run = run;
        this.model = model;
        this.scheduler = scheduler;
        this.random = random;
        this.coverage = coverage;
        this.minVoters = Math.max(1, members - 1);
        this.maxVoters = members + 1;
        this.timeoutMicros = timeoutMicros;
    }

    void start() {
        if (model.enabled()) {
            scheduleNext();
            scheduleReconcile();
        }
    }

    /** Starts no new operation; the one in progress finishes, and reconciling goes on. */
    void stopIssuing() {
        issuing = false;
    }

    /** Whether no request is in flight. */
    boolean idle() {
        return !busy;
    }

    /**
     * Whether a change of the voters whose outcome was unknown does not show in {@code configuration}:
     * it may still sit, uncommitted, in some member's log, and the next leader may have to choose it,
     * so the voters after the next election may differ from {@code configuration}'s.
     */
    boolean votersMayStillChange(Membership configuration) {
        for (String effect : unknownVoterEffects) {
            if (!holds(effect, configuration)) {
                return true;
            }
        }
        return false;
    }

    /** At the end of the run: no refused change may show in the final configuration. */
    void checkFinal(Membership configuration) {
        checkRefusals(configuration, "the final configuration");
    }

    // ---- scheduling ---------------------------------------------------------------------------------

    private void scheduleNext() {
        double mean = model.meanIntervalMillis() * 1000.0;
        long delay = (long) (-mean * Math.log(1 - random.nextDouble()));
        scheduler.after(delay, null, this, () -> {
            if (issuing && !run.stopped()) {
                operate();
                scheduleNext();
            }
        });
    }

    private void scheduleReconcile() {
        scheduler.after(300_000 + random.nextLong(1_000_000), null, this, () -> {
            if (!run.stopped()) {
                reconcile();
                scheduleReconcile();
            }
        });
    }

    private void operate() {
        if (busy) {
            return;
        }
        Membership configuration = reconcile();
        if (configuration == null) {
            return; // no leader to learn the configuration from: try later
        }
        int pick = random.nextInt(model.addWeight() + model.removeWeight() + model.replaceWeight()
                + model.transferWeight());
        Kind kind = (pick -= model.addWeight()) < 0 ? Kind.ADD
                : (pick -= model.removeWeight()) < 0 ? Kind.REMOVE
                : pick < model.replaceWeight() ? Kind.REPLACE : Kind.TRANSFER;
        int voters = configuration.voters().size();
        if (kind == Kind.ADD && voters >= maxVoters
                || kind == Kind.REMOVE && voters <= minVoters && configuration.learners().isEmpty()) {
            kind = Kind.REPLACE; // keeps the voters within bounds
        }
        busy = true;
        Runnable done = () -> busy = false;
        switch (kind) {
            case ADD -> add(configuration, added -> done.run());
            case REMOVE -> remove(configuration, null, done);
            case REPLACE -> add(configuration, added -> {
                Membership now = issuing ? view() : null;
                if (now == null) {
                    done.run();
                } else {
                    remove(now, added.id, done);
                }
            });
            case TRANSFER -> transfer(done);
        }
    }

    // ---- operations ---------------------------------------------------------------------------------

    /**
     * Starts a member with an empty disk and adds it as a learner, promoted once caught up. (Not with
     * {@code AddVoter}: a voter that has not caught up may not promise, so a later removal can leave a
     * configuration whose every quorum needs it, and no leader can be elected to catch it up.)
     */
    private void add(Membership configuration, Consumer<SimMember> then) {
        SimMember member = run.addMember(configuration);
        coverage.membersStarted++;
        joining = member;
        changeMembership(new MembershipChange.AddLearner(Member.local(member.id)), result -> {
            joining = null;
            if (result == Result.REFUSED) {
                run.retire(member); // the group will never count it: its id is not used again
                then.accept(member);
            } else if (result == Result.COMMITTED) {
                promote(member, 1, () -> then.accept(member));
            } else {
                then.accept(member);
            }
        });
    }

    private void promote(SimMember member, int attempt, Runnable then) {
        scheduler.after(100_000 + random.nextLong(500_000), null, this, () ->
                changeMembership(new MembershipChange.Promote(member.id), result -> {
                    if (result != Result.COMMITTED && attempt < MAX_PROMOTE_ATTEMPTS && issuing) {
                        promote(member, attempt + 1, then);
                    } else {
                        then.run();
                    }
                }));
    }

    /** Removes a voter (the leader with the model's probability) or a learner, never {@code keep}. */
    private void remove(Membership configuration, String keep, Runnable then) {
        List<String> candidates = new ArrayList<>();
        if (configuration.voters().size() > minVoters) {
            configuration.voters().forEach(m -> candidates.add(m.id()));
        }
        configuration.learners().forEach(m -> candidates.add(m.id()));
        candidates.remove(keep);
        if (candidates.isEmpty()) {
            then.run();
            return;
        }
        SimMember leader = run.leader();
        String target = leader != null && candidates.contains(leader.id)
                && random.nextDouble() < model.removeLeaderProbability() ? leader.id
                : candidates.get(random.nextInt(candidates.size()));
        boolean ofLeader = leader != null && leader.id.equals(target);
        changeMembership(new MembershipChange.Remove(target), result -> {
            if (result == Result.COMMITTED && ofLeader) {
                coverage.leaderRemovals++;
            }
            then.run();
        });
    }

    /** Hands leadership to a random member that has not left, whether it is up, reachable or a voter. */
    private void transfer(Runnable then) {
        SimMember target = run.pickActive(random);
        SimMember contact = contact();
        String what = "transfer leadership to " + target.id + " (" + state(target) + ")";
        run.note(contact.id, "admin", what);
        CompletableFuture<Void> future = contact.up() ? contact.group().transferLeadership(target.id) : null;
        awaitOutcome(future, (result, note) -> {
            if (result == Result.COMMITTED) {
                coverage.transfers++;
            } else {
                coverage.transfersFailed++;
            }
            SimMember leader = run.leader();
            run.note(contact.id, "admin", what + " -> " + result + note + "; the leader now is "
                    + (leader == null ? "none" : leader.id));
            then.run();
        });
    }

    // ---- requests and their outcomes ----------------------------------------------------------------

    private void changeMembership(MembershipChange change, Consumer<Result> then) {
        SimMember contact = contact();
        String effect = effect(change);
        refused.remove(effect); // asked for again: a refusal no longer says it must not happen
        unknownVoterEffects.remove(effect);
        long askedAt = scheduler.nowMicros();
        String what = describe(change);
        run.note(contact.id, "admin", what);
        CompletableFuture<Void> future = contact.up() ? contact.group().changeMembership(change) : null;
        awaitOutcome(future, (result, note) -> {
            run.note(contact.id, "admin", what + " -> " + result + note);
            switch (result) {
                case COMMITTED -> coverage.membershipChanges++;
                case UNKNOWN -> {
                    coverage.membershipChangesUnknown++;
                    if (!effect.startsWith("member ")) {
                        unknownVoterEffects.add(effect);
                    }
                }
                case REFUSED -> coverage.membershipChangesRefused++;
            }
            if (result != Result.REFUSED) {
                mayHold.add(effect);
            } else if (!mayHold.contains(effect)) {
                refused.put(effect, new Refusal(what + " at " + contact.id + " (asked at " + askedAt / 1000
                        + " ms, refused" + note + ")", askedAt));
            }
            then.accept(result);
        });
    }

    /** Calls {@code then} once with how the request ended; a null future means the member was down. */
    private void awaitOutcome(CompletableFuture<Void> future, OutcomeListener then) {
        boolean[] decided = {false};
        Consumer<Throwable> finish = error -> {
            if (decided[0]) {
                return; // an answer after the operator gave up, or the reverse
            }
            decided[0] = true;
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null) {
                then.ended(Result.COMMITTED, "");
            } else if (cause instanceof ConsensusException ce) {
                then.ended(ce.outcome() == Outcome.NOT_APPLIED ? Result.REFUSED : Result.UNKNOWN,
                        " (" + ce.getClass().getSimpleName() + ": " + ce.getMessage() + ")");
            } else {
                then.ended(cause == MEMBER_DOWN ? Result.REFUSED : Result.UNKNOWN, " (" + cause.getMessage() + ")");
            }
        };
        if (future == null) {
            finish.accept(MEMBER_DOWN);
            return;
        }
        future.whenComplete((ok, error) -> finish.accept(error));
        // A crash of the member asked loses its answer: the operator then does not know.
        scheduler.after(timeoutMicros, null, this, () -> finish.accept(NO_ANSWER));
    }

    /** Told how a request ended, with a note for the trace. */
    private interface OutcomeListener {
        void ended(Result result, String note);
    }

    /** The member the operator asks: whom a random member believes leads, or one time in five any. */
    private SimMember contact() {
        SimMember asked = run.pickActive(random);
        GroupStatus status = asked.status();
        if (random.nextInt(5) == 0 || status == null || status.leaderId() == null) {
            return asked;
        }
        SimMember leader = run.member(status.leaderId());
        return leader == null || leader.retired() ? asked : leader;
    }

    // ---- the configuration --------------------------------------------------------------------------

    /** The configuration of the member leading in the highest era, or null if none leads. */
    private Membership view() {
        SimMember leader = run.leader();
        return leader == null ? null : leader.status().membership();
    }

    /**
     * Stops running members the configuration does not count and restarts stopped ones it counts;
     * returns the configuration, or null if no member leads. Without a leader it only restarts
     * stopped members that some running member counts: the group may need them to elect one.
     */
    private Membership reconcile() {
        SimMember leader = run.leader();
        if (leader == null) {
            for (SimMember member : new ArrayList<>(run.members())) {
                if (member.retired() && countedByAnyone(member)) {
                    run.unretire(member);
                }
            }
            return null;
        }
        Membership configuration = leader.status().membership();
        checkRefusals(configuration, "the configuration of " + leader.id);
        for (SimMember member : new ArrayList<>(run.members())) {
            boolean counted = configuration.member(member.id).isPresent();
            if (member.retired() && counted) {
                run.unretire(member);
            } else if (!member.retired() && !counted && member != joining && member != leader) {
                run.retire(member);
            }
        }
        return configuration;
    }

    private boolean countedByAnyone(SimMember member) {
        for (SimMember other : run.members()) {
            GroupStatus status = other.status();
            if (status != null && status.membership().member(member.id).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private void checkRefusals(Membership configuration, String where) {
        for (Map.Entry<String, Refusal> entry : refused.entrySet()) {
            if (holds(entry.getKey(), configuration)) {
                Refusal refusal = entry.getValue();
                run.fail("a membership change refused as certainly not applied took effect: " + refusal.text()
                        + ", yet " + where + " is " + describe(configuration), "Faults, role changes and the operator's "
                        + "requests since it was asked:\n" + run.eventsSince(refusal.askedMicros()));
                return;
            }
        }
    }

    /** What a change makes true: "member X", "voter X" or "gone X". */
    private static String effect(MembershipChange change) {
        if (change instanceof MembershipChange.AddLearner c) {
            return "member " + c.member().id();
        } else if (change instanceof MembershipChange.Promote c) {
            return "voter " + c.memberId();
        } else if (change instanceof MembershipChange.Remove c) {
            return "gone " + c.memberId();
        }
        throw new IllegalArgumentException("unknown change " + change);
    }

    private static boolean holds(String effect, Membership configuration) {
        String id = effect.substring(effect.indexOf(' ') + 1);
        if (effect.startsWith("member ")) {
            return configuration.member(id).isPresent();
        } else if (effect.startsWith("voter ")) {
            return configuration.voters().stream().anyMatch(m -> m.id().equals(id));
        }
        return configuration.member(id).isEmpty();
    }

    private static String describe(MembershipChange change) {
        if (change instanceof MembershipChange.AddLearner c) {
            return "add learner " + c.member().id();
        } else if (change instanceof MembershipChange.Promote c) {
            return "promote " + c.memberId();
        } else if (change instanceof MembershipChange.Remove c) {
            return "remove " + c.memberId();
        }
        return change.toString();
    }

    /** A configuration as ids: voters, then learners and outgoing voters if any. */
    static String describe(Membership configuration) {
        StringBuilder text = new StringBuilder("voters ").append(ids(configuration.voters()));
        if (!configuration.learners().isEmpty()) {
            text.append(" learners ").append(ids(configuration.learners()));
        }
        if (configuration.isJoint()) {
            text.append(" outgoing voters ").append(ids(configuration.outgoingVoters()));
        }
        return text.toString();
    }

    private static String ids(Set<Member> members) {
        return members.stream().map(Member::id).collect(Collectors.joining(",", "[", "]"));
    }

    private static String state(SimMember member) {
        if (!member.up()) {
            return "down";
        }
        GroupStatus status = member.status();
        return status.role().toString().toLowerCase() + (member.paused() ? ", paused" : "");
    }
}
