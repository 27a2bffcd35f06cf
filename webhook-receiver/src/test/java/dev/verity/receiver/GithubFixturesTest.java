package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The copied fixtures are byte-for-byte the shared ones (SHA-256 as recorded in the shared PROVENANCE.md). */
class GithubFixturesTest {

    private static final Map<String, String> SHA256 = Map.of(
            "ping.json", "99c1656b2a959bedc162ec8881ececbd96b281059f43862dfde6a9939aa7decc",
            "pull_request.json", "d34772e6b4b912586626b71101fd7e9f529943866c895dcb3381ec476003e834",
            "push-branch-delete.json", "9ee882221488b44f8b14868238f0f8a52dac9ce26af93efb1f2c1a36cc12adf6",
            "push-new-branch.json", "c1cab5f4e9bc7d5c85665397a008a2a0410e9db8fb566d347c30f85fe5526292",
            "push-tag-delete.json", "909b4665b3d1ee7c6c0430f0d4d25167169954e57bfb0c80c9f70152b5fed288",
            "push-tag.json", "1b08467e5e89715a159db11ff98d06b6b0eb0ffb18b1f9a7e6dfbbc6faf5a1b5",
            "push.json", "f67dc36d7a8c83108977c83555767e3a11e5c5e702ad5ec063d0ef421921d9c3");

    @Test
    void everyCopyIsByteExact() throws Exception {
        assertThat(SHA256).hasSize(Fixtures.GITHUB.length);
        for (String name : Fixtures.GITHUB) {
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Fixtures.github(name)));
            assertThat(actual).as(name).isEqualTo(SHA256.get(name));
        }
    }
}
