package dev.verity.kube.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
  * Expected values are those of k8s.io/apimachinery {@code pkg/api/resource/quantity_test.go} at v0.32.0
  * (TestQuantityString, TestQuantityParseEmit, TestQuantityParse): what a real API server stores for each text.
  */
class QuantityTest {

    /** TestQuantityString: canonical text is kept as sent; its alternates come back canonical; negatives likewise. */
    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "1Gi, 1024Mi", "300Mi, 307200Ki", "6Ki, none", "1001Gi, 1025024Mi", "1Ti, 1024Gi", "5, 5000m", "500m, 0.5",
            "1G, 1000M", "1G, 0.001T", "1m, 1000u", "80m, none", "1080m, 1.08", "1080m, 1080000000n", "300M, none", "1T, none",
            "1234567M, none", "1234567m, none", "3k, none", "1025, none", "0, none", "1e9, .001e12", "1e-3, 0.001e0",
            "1e-9, 1000e-12", "80e-3, none", "300e6, none", "1e12, none", "1e3, none", "3e3, none", "0, 00", "1n, none",
            "80n, none", "1080n, none", "1u, none", "80u, none", "1080u, none"})
    void canonicalTextIsKeptAndAlternatesAreCanonicalised(String canonical, String alternate) {
        assertThat(Quantity.canonical(canonical)).isEqualTo(canonical);
        if (alternate != null) {
            assertThat(Quantity.canonical(alternate)).isEqualTo(canonical);
            if (!canonical.equals("0")) {
                assertThat(Quantity.canonical("-" + alternate)).isEqualTo("-" + canonical);
            }
        }
    }

    /** TestQuantityParseEmit, positive and negative. */
    @ParameterizedTest
    @CsvSource({"1Ki, 1Ki", "1Mi, 1Mi", "1Gi, 1Gi", "1024Mi, 1Gi", "1000M, 1G", ".001Ki, 1024m", ".000001Ki, 1024u",
            ".000000001Ki, 1024n", ".000000000001Ki, 2n"})
    void parseThenEmit(String in, String expected) {
        assertThat(Quantity.canonical(in)).isEqualTo(expected);
        assertThat(Quantity.canonical("-" + in)).isEqualTo("-" + expected);
    }

    /** TestQuantityParse: the amount and format each text parses to (format names as in Go). */
    @ParameterizedTest
    @CsvSource({"0, 0, DECIMAL_SI", "0Ki, 0, BINARY_SI", "1Ki, 1024, BINARY_SI", "3Ei, 3458764513820540928, BINARY_SI",
            "50k, 50000, DECIMAL_SI", "1E, 1e18, DECIMAL_SI", "1E-3, 0.001, DECIMAL_EXPONENT", "1.3E+6, 1300000, DECIMAL_EXPONENT",
            "100.035k, 100035, DECIMAL_SI", "0.0005k, 0.5, DECIMAL_SI", "0.5e-2, 0.005, DECIMAL_EXPONENT",
            "6.987654321G, 6987654321, DECIMAL_SI", "1.01E, 1.01e18, DECIMAL_SI", "3.001n, 4e-9, DECIMAL_SI",
            "1.1E-9, 2e-9, DECIMAL_EXPONENT", "0.0000000005, 1e-9, DECIMAL_SI", "0.00000012354, 124e-9, DECIMAL_SI",
            "9Ei, 9223372036854775807, BINARY_SI", "9223372036854775807Ki, 9223372036854775807, BINARY_SI",
            "12E, 12e18, DECIMAL_SI", "100.035Ki, 102435.84, BINARY_SI", "0.5Mi, 524288, BINARY_SI",
            "0.000000000001Ki, 2e-9, DECIMAL_SI", ".0001k, 0.1, DECIMAL_SI", "1., 1, DECIMAL_SI", "1.G, 1e9, DECIMAL_SI"})
    void parsesToTheServersAmountAndFormat(String in, String amount, Quantity.Format format) {
        Quantity parsed = Quantity.parse(in);
        assertThat(parsed.amount()).isEqualByComparingTo(new BigDecimal(amount));
        assertThat(parsed.format()).isEqualTo(format);
        assertThat(Quantity.parse("-" + in).amount()).isEqualByComparingTo(new BigDecimal(amount).negate());
    }

    @ParameterizedTest
    @CsvSource({"100.035Ki, 102435840m", "0.5Mi, 512Ki", "0.05Gi, 53687091200m", "12E, 12E", "+1, +1", "0100m, 0100m",
            "1.5, 1500m", "2048, 2048", "1.0Gi, 1Gi", "0.1Gi, 107374182400m"})
    void examplesAUserSees(String in, String stored) {
        assertThat(Quantity.canonical(in)).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1 Gi", "1Gb", "1.2.3", "1e", "abc", "1Mi5"})
    void textThatIsNotAQuantityIsRefusedInTheServersWords(String in) {
        assertThatThrownBy(() -> Quantity.parse(in)).isInstanceOf(Quantity.QuantityException.class)
                .satisfies(e -> assertThat(e.getMessage()).isIn(Quantity.FORMAT_WRONG, Quantity.SUFFIX, Quantity.NUMERIC));
    }
}
