package io.consensus.testkit.sim;

import io.consensus.api.GroupStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Starts faults of a {@link FaultModel} at random times and ends each after a random duration,
 * until {@link #stop}; then {@link Run} heals whatever is left.
 */
final class FaultInjector {

    private final Run run;
    private final FaultModel model;
    private final Scheduler scheduler;
    private final SplittableRandom random;
    private final SimNetwork network;
    private final List<SimMember> members;
    private final Coverage coverage;
    private long partitionToken;
    private long stormToken;
    private long unsyncedCrashAllowedMicros;
    private boolean stopped;

    FaultInjector(Run run, FaultModel model, Scheduler scheduler, SplittableRandom random, SimNetwork network,
                  List<SimMember> members, Coverage coverage) {
        this.run = run;
        this.model = model;
        this.scheduler = scheduler;
        this.random = random;
        this.network = network;
        this.members = members;
        this.coverage = coverage;
    }

    void start() {
        if (model.meanIntervalMillis() > 0) {
            scheduleNext();
        }
        if (model.unsyncedCrashProbability() > 0) {
            network.onSend(this::sent);
        }
    }

    /** Member {@code index} sends a message: crash it now if it has unsynced writes, sometimes. */
    private void sent(int index) {
        SimMember member = members.get(index);
        if (stopped || scheduler.nowMicros() < unsyncedCrashAllowedMicros || !member.hasUnsyncedWrites()
                || random.nextDouble() >= model.unsyncedCrashProbability()) {
            return;
        }
        // At most one such crash per three fault intervals, however busy the network is. It strikes
        // a little later, while the sync may still be running but the message may have had its effect.
        unsyncedCrashAllowedMicros = scheduler.nowMicros() + model.meanIntervalMillis() * 3000;
        long delay = random.nextLong(run.fsyncMaxMicros() * 2 + 1);
        scheduler.after(delay, null, this, () -> {
            if (stopped || !member.up()) {
                return;
            }
            boolean everyone = model.powerLossWeight() > 0 && random.nextBoolean();
            run.note(member.id, "fault", "crash soon after sending with unsynced writes" + (everyone ? ": power loss" : ""));
            if (everyone) {
                powerLoss();
            } else {
                crash(member);
            }
        });
    }

    /** No new faults; pending restarts, resumes and heals become no-ops (the run heals everything). */
    void stop() {
        stopped = true;
    }

    private void scheduleNext() {
        double mean = model.meanIntervalMillis() * 1000.0;
        long delay = (long) (-mean * Math.log(1 - random.nextDouble()));
        scheduler.after(delay, null, this, () -> {
            if (!stopped) {
                inject();
                scheduleNext();
            }
        });
    }

    private void inject() {
        int total = model.crashWeight() + model.powerLossWeight() + model.pauseWeight() + model.partitionWeight()
                + model.stormWeight();
        int pick = random.nextInt(total);
        if ((pick -= model.crashWeight()) < 0) {
            crashOne();
        } else if ((pick -= model.powerLossWeight()) < 0) {
            powerLoss();
        } else if ((pick -= model.pauseWeight()) < 0) {
            pauseOne();
        } else if ((pick -= model.partitionWeight()) < 0) {
            partition();
        } else {
            storm();
        }
    }

    private SimMember target(boolean mustBeUp) {
        if (random.nextDouble() < model.targetLeaderProbability()) {
            SimMember leader = run.leader();
            if (leader != null) {
                return leader;
            }
        }
        List<SimMember> candidates = new ArrayList<>();
        for (SimMember member : members) {
            if (member.up() || !mustBeUp && !member.retired()) {
                candidates.add(member);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private void crashOne() {
        SimMember member = target(true);
        if (member != null) {
            crash(member);
        }
    }

    private void powerLoss() {
        // Adversarial restart order, half of the time: the leader comes back last, after the others
        // had time to elect one of their own (what it alone made durable is then at risk).
        SimMember leader = random.nextBoolean() ? run.mostAdvanced() : null;
        run.note("fault", "power loss: every member crashes" + (leader != null ? ", " + leader.id + " restarts last" : ""));
        long latest = 0;
        for (SimMember member : members) {
            if (member.up() && member != leader) {
                latest = Math.max(latest, crash(member, between(10_000, model.maxDownMillis() * 1000)));
            }
        }
        if (leader != null) {
            crash(leader, latest + run.electionTimeoutMicros() * 3);
        }
    }

    private void crash(SimMember member) {
        crash(member, between(10_000, model.maxDownMillis() * 1000));
    }

    private long crash(SimMember member, long down) {
        GroupStatus status = member.status();
        if (status != null && status.isLeader() && status.quiescent()) {
            coverage.quiescentLeaderCrashes++;
        }
        boolean tear = random.nextDouble() < model.tearProbability();
        run.crash(member, tear);
        scheduler.after(down, null, this, () -> {
            if (!stopped && !member.up() && !member.retired()) {
                run.restart(member);
            }
        });
        return down;
    }

    private void pauseOne() {
        SimMember member = target(true);
        if (member == null || member.paused()) {
            return;
        }
        long pause = between(20_000, model.maxPauseMillis() * 1000);
        coverage.pauses++;
        run.note("fault", "pause " + member.id + " for " + pause / 1000 + " ms");
        member.pause();
        scheduler.after(pause, null, this, () -> {
            if (!stopped && member.paused()) {
                run.note("heal", "resume " + member.id);
                member.resume();
            }
        });
    }

    private void partition() {
        // Sides are drawn among the members that have not left the group; those that did are down.
        List<SimMember> active = run.active();
        int n = active.size();
        if (network.partitioned() || n < 2) {
            return; // one partition at a time, each lasting its full duration
        }
        boolean[] side = new boolean[members.size()];
        String description;
        int roll = random.nextInt(100);
        int kind = roll < 40 ? 0 : roll < 70 ? 1 : roll < 85 ? 2 : 3;
        if (kind == 0) {
            SimMember member = target(false);
            side[member.index] = true;
            network.split(side);
            description = "isolate " + member.id;
        } else if (kind == 1) {
            int size = 1 + random.nextInt(n - 1);
            for (int chosen = 0; chosen < size; ) {
                int i = active.get(random.nextInt(n)).index;
                if (!side[i]) {
                    side[i] = true;
                    chosen++;
                }
            }
            network.split(side);
            description = "split " + sideText(side, true) + " | " + sideText(side, false);
        } else if (kind == 2) {
            SimMember member = target(false);
            boolean outbound = random.nextBoolean();
            for (SimMember other : members) {
                if (other != member) {
                    if (outbound) {
                        network.block(member.index, other.index);
                    } else {
                        network.block(other.index, member.index);
                    }
                }
            }
            description = "one-way: " + member.id + (outbound ? " cannot send" : " cannot receive");
        } else {
            // A bridge: two non-empty sides that cannot talk, and one member that talks to both.
            SimMember bridge = active.get(random.nextInt(n));
            List<Integer> others = new ArrayList<>();
            for (SimMember member : active) {
                if (member != bridge) {
                    others.add(member.index);
                }
            }
            if (others.size() >= 2) {
                int first = others.remove(random.nextInt(others.size()));
                side[first] = true;
                others.remove(random.nextInt(others.size())); // the other side has at least this one
                for (int i : others) {
                    side[i] = random.nextBoolean();
                }
            }
            boolean[] rest = new boolean[members.size()];
            for (SimMember a : active) {
                rest[a.index] = a != bridge && !side[a.index];
                for (SimMember b : active) {
                    if (a != bridge && b != bridge && side[a.index] != side[b.index]) {
                        network.block(a.index, b.index);
                    }
                }
            }
            description = "bridge " + bridge.id + " between " + sideText(side, true) + " and "
                    + sideText(rest, true);
        }
        coverage.partitions++;
        long token = ++partitionToken;
        long duration = between(model.maxPartitionMillis() * 100, model.maxPartitionMillis() * 1000);
        run.note("fault", "partition: " + description + " for " + duration / 1000 + " ms");
        scheduler.after(duration, null, this, () -> {
            if (!stopped && partitionToken == token) {
                run.note("heal", "partition healed");
                network.heal();
            }
        });
    }

    private void storm() {
        NetworkModel calm = run.networkModel();
        network.model(new NetworkModel(calm.latencyMinMicros(), calm.latencyTypicalMicros() * 4,
                calm.latencyTailMicros() * 4, Math.max(0.1, calm.tailProbability()), 0.3, 0.1));
        long token = ++stormToken;
        long duration = between(50_000, 1_000_000);
        run.note("fault", "network storm for " + duration / 1000 + " ms");
        scheduler.after(duration, null, this, () -> {
            if (!stopped && stormToken == token) {
                run.note("heal", "storm over");
                network.model(calm);
            }
        });
    }

    private String sideText(boolean[] side, boolean which) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < side.length; i++) {
            if (side[i] == which && !members.get(i).retired()) {
                ids.add(members.get(i).id);
            }
        }
        return ids.toString();
    }

    private long between(long low, long high) {
        return high <= low ? low : low + random.nextLong(high - low + 1);
    }
}
