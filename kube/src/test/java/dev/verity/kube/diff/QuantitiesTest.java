package dev.verity.kube.diff;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class QuantitiesTest {

    @Test
    void parsesDecimalBinaryAndExponentForms() {
        assertThat(Quantities.amount("500m")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.5"));
        assertThat(Quantities.amount("1Gi")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1073741824"));
        assertThat(Quantities.amount("1e3")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1000"));
        assertThat(Quantities.amount("2E")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(new BigDecimal("2e18")));
        assertThat(Quantities.amount(".5")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.5"));
    }

    @Test
    void sameAmountInDifferentNotationsIsTheSame() {
        assertThat(Quantities.sameAmount("1", "1000m")).isTrue();
        assertThat(Quantities.sameAmount("1024Mi", "1Gi")).isTrue();
        assertThat(Quantities.sameAmount("1k", "1000")).isTrue();
        assertThat(Quantities.sameAmount("1Ki", "1k")).isFalse();
        assertThat(Quantities.sameAmount("1G", "1Gi")).isFalse();
    }

    @Test
    void textThatIsNotAQuantityIsNeverTheSameAmount() {
        assertThat(Quantities.amount("lots")).isEmpty();
        assertThat(Quantities.amount("1Xi")).isEmpty();
        assertThat(Quantities.sameAmount("lots", "lots")).isFalse();
    }
}
