package dev.verity.receiver;

import java.util.HashSet;
import java.util.Set;

/**
 * The keys of the JSON objects open while one payload is read, a {@link Level} per nesting depth, each reused from one
 * object to the next at its depth: {@link Level#add} says whether a key is new in its object. Not thread-safe: one per
 * read at a time ({@link #ofThisThread()}).
 *
 * <p>Why not Jackson's {@code STRICT_DUPLICATE_DETECTION}: it builds a new hash set for every object of more than two
 * keys, and hashes every key into it, which was a third of the CPU of reading a GitHub push (docs/benchmarks.md). A
 * level here is an open-addressing table cleared slot by slot, so an object costs no allocation once its depth has
 * held one as large. Keys that share a hash code (which a sender can craft: {@code "Aa"} and {@code "BB"}) would make
 * its probes long; past {@value #MAX_PROBES} probes the level keeps the rest of that object in a {@link HashSet},
 * whose bins turn into trees, so a hostile payload costs what Jackson's detection would.
 */
final class ObjectKeys {

    static final int MAX_PROBES = 16;
    /** A level grown past this many slots (an object of more than half as many keys) is not kept for the next read. */
    static final int KEPT_SLOTS = 1024;
    /** Levels deeper than this (a payload nested as no forge nests) are not kept for the next read either. */
    static final int KEPT_LEVELS = 32;

    private static final ThreadLocal<ObjectKeys> OF_THREAD = ThreadLocal.withInitial(ObjectKeys::new);

    private Level[] levels = new Level[8];
    private int depth = -1;
    /** The deepest level used since {@link #reset()}: the ones to clear. */
    private int deepest = -1;

    /**
     * This thread's instance, empty: its levels' tables are reused from one payload to the next (a read on an event
     * loop allocates nothing for them once its first payloads grew them). Call {@link #reset()} when done.
     */
    static ObjectKeys ofThisThread() {
        return OF_THREAD.get();
    }

    /**
     * Empties every level, also after a read that stopped inside objects (a syntax error, a key twice), and drops the
     * levels grown past {@value #KEPT_SLOTS} slots or deeper than {@value #KEPT_LEVELS}, so a hostile payload's huge
     * or deep objects are not held by the thread.
     */
    void reset() {
        for (int d = 0; d <= deepest; d++) {
            Level level = levels[d];
            if (level == null) continue;
            if (level.slots.length > KEPT_SLOTS || d >= KEPT_LEVELS) {
                levels[d] = null;
            } else {
                level.clear();
            }
        }
        if (levels.length > KEPT_LEVELS) levels = java.util.Arrays.copyOf(levels, KEPT_LEVELS);
        depth = -1;
        deepest = -1;
    }

    /** The level of an object just opened, empty. */
    Level enter() {
        depth++;
        if (depth > deepest) deepest = depth;
        if (depth == levels.length) levels = java.util.Arrays.copyOf(levels, depth * 2);
        Level level = levels[depth];
        if (level == null) levels[depth] = level = new Level();
        return level;
    }

    /** The object of the current level is closed; its keys are forgotten. */
    void exit() {
        levels[depth--].clear();
    }

    /** One object's keys. */
    static final class Level {
        private String[] slots = new String[32];
        /** The slots in use, in the order they were filled: clearing touches only them. */
        private int[] filled = new int[16];
        private int size;
        private int shift = 32 - 5;
        /** Set once this object's keys probed too long: the rest of the object is checked here. */
        private Set<String> crowded;

        /** Whether {@code key} is new in this object (and now remembered). */
        boolean add(String key) {
            if (crowded != null) return crowded.add(key);
            if (size == filled.length) grow();
            int mask = slots.length - 1;
            int i = (key.hashCode() * 0x9E3779B9) >>> shift;
            for (int probes = 0; slots[i] != null; probes++) {
                String other = slots[i];
                if (other == key || other.equals(key)) return false;
                if (probes == MAX_PROBES) return crowd().add(key);
                i = (i + 1) & mask;
            }
            slots[i] = key;
            filled[size++] = i;
            return true;
        }

        private Set<String> crowd() {
            crowded = new HashSet<>();
            for (int k = 0; k < size; k++) crowded.add(slots[filled[k]]);
            clearSlots();
            return crowded;
        }

        /** Twice the slots: at most half of them are ever in use. */
        private void grow() {
            String[] old = slots;
            int[] oldFilled = filled;
            int count = size;
            slots = new String[old.length * 2];
            filled = new int[filled.length * 2];
            shift--;
            size = 0;
            int mask = slots.length - 1;
            for (int k = 0; k < count; k++) {
                String key = old[oldFilled[k]];
                int i = (key.hashCode() * 0x9E3779B9) >>> shift;
                while (slots[i] != null) i = (i + 1) & mask;
                slots[i] = key;
                filled[size++] = i;
            }
        }

        private void clearSlots() {
            for (int k = 0; k < size; k++) slots[filled[k]] = null;
            size = 0;
        }

        void clear() {
            clearSlots();
            crowded = null;
        }
    }
}
