package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectKeysTest {

    @Test
    void aKeyIsNewOnceInItsObject() {
        ObjectKeys keys = new ObjectKeys();
        ObjectKeys.Level level = keys.enter();
        assertThat(level.add("ref")).isTrue();
        assertThat(level.add("after")).isTrue();
        assertThat(level.add(new String("ref"))).as("an equal key, not the same instance").isFalse();
    }

    @Test
    void nestedObjectsHaveTheirOwnKeysAndAClosedObjectIsForgotten() {
        ObjectKeys keys = new ObjectKeys();
        ObjectKeys.Level outer = keys.enter();
        assertThat(outer.add("id")).isTrue();
        ObjectKeys.Level inner = keys.enter();
        assertThat(inner.add("id")).as("the same key in a nested object").isTrue();
        keys.exit();
        ObjectKeys.Level sibling = keys.enter();
        assertThat(sibling).isSameAs(inner);
        assertThat(sibling.add("id")).as("the next object at that depth starts empty").isTrue();
        keys.exit();
        assertThat(outer.add("id")).isFalse();
    }

    @Test
    void largeObjectsAndDeepNestingKeepEveryKey() {
        ObjectKeys keys = new ObjectKeys();
        for (int d = 0; d < 40; d++) keys.enter();
        ObjectKeys.Level level = keys.enter();
        for (int i = 0; i < 5_000; i++) assertThat(level.add("key" + i)).isTrue();
        for (int i = 0; i < 5_000; i++) assertThat(level.add("key" + i)).as("key" + i).isFalse();
        keys.exit();
        ObjectKeys.Level again = keys.enter();
        for (int i = 0; i < 5_000; i++) assertThat(again.add("key" + i)).isTrue();
    }

    @Test
    void keysSharingOneHashCodeAreStillTellApart() {
        // "Aa" and "BB" have the same hash code, so every string of n such pairs shares one: 2^n keys, one hash
        List<String> colliding = new ArrayList<>(List.of(""));
        for (int n = 0; n < 10; n++) {
            List<String> longer = new ArrayList<>();
            for (String s : colliding) {
                longer.add(s + "Aa");
                longer.add(s + "BB");
            }
            colliding = longer;
        }
        assertThat(colliding).hasSize(1024).extracting(String::hashCode).containsOnly(colliding.get(0).hashCode());
        ObjectKeys keys = new ObjectKeys();
        ObjectKeys.Level level = keys.enter();
        for (String key : colliding) assertThat(level.add(key)).isTrue();
        for (String key : colliding) assertThat(level.add(key)).isFalse();
        keys.exit();
        ObjectKeys.Level next = keys.enter();
        assertThat(next.add(colliding.get(0))).as("the crowded object's keys are forgotten with it").isTrue();
        assertThat(next.add(colliding.get(0))).isFalse();
    }

    @Test
    void aResetForgetsAReadThatStoppedInsideObjects() {
        ObjectKeys keys = ObjectKeys.ofThisThread();
        keys.reset();
        ObjectKeys.Level outer = keys.enter();
        outer.add("ref");
        ObjectKeys.Level huge = keys.enter();
        for (int i = 0; i < 10_000; i++) huge.add("key" + i);
        for (int d = 0; d < 100; d++) keys.enter().add("deep");
        keys.reset(); // the read failed there: nothing was exited

        assertThat(ObjectKeys.ofThisThread()).isSameAs(keys);
        ObjectKeys.Level first = keys.enter();
        assertThat(first).as("a small level is kept for the next read").isSameAs(outer);
        assertThat(first.add("ref")).as("and starts empty").isTrue();
        ObjectKeys.Level second = keys.enter();
        assertThat(second).as("a level grown for a huge object is not kept").isNotSameAs(huge);
        assertThat(second.add("key1")).isTrue();
        for (int d = 0; d < 100; d++) assertThat(keys.enter().add("deep")).isTrue();
        keys.reset();
    }
}
