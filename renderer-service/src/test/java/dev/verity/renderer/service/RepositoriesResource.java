package dev.verity.renderer.service;

import dev.verity.renderer.ShopFixture;
import dev.verity.testkit.git.GitRepos;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Two real bare repositories for {@link RendererIT}, configured as the renderer's repositories: {@code shop.git}
 * (app shop, dev and prod, no verity.yaml) and {@code fleet.git} (app billing, verity.yaml mapping prod to
 * prod-eu and prod-us).
 */
public class RepositoriesResource implements QuarkusTestResourceLifecycleManager {

    static volatile GitRepos shop;
    static volatile GitRepos fleet;
    static volatile String shopFirstCommit;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("renderer-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        shop = GitRepos.createBare(dir.resolve("shop.git"));
        shopFirstCommit = shop.commit("main", "shop: base, dev and prod", ShopFixture.app("shop", "hello"));
        fleet = GitRepos.createBare(dir.resolve("fleet.git"));
        fleet.on("main").put("verity.yaml", """
                environments:
                  dev:  { clusters: [local] }
                  prod: { clusters: [prod-eu, prod-us] }
                apps:
                  billing:
                    overrides:
                      prod: { selfHeal: true }
                """).message("billing with two prod clusters").commit();
        fleet.commit("main", "billing", ShopFixture.app("billing", "invoices"));

        Map<String, String> config = new LinkedHashMap<>();
        config.put("verity.renderer.repositories[0].url", shop.url());
        config.put("verity.renderer.repositories[1].url", fleet.url() + "/");
        config.put("verity.renderer.repositories[1].branch", "main");
        config.put("verity.renderer.work-dir", dir.resolve("work").toString());
        // only the first poll (right after start) and commit events render during the test
        config.put("verity.renderer.poll-interval", "1h");
        return config;
    }

    @Override
    public void stop() {
        if (shop != null) shop.close();
        if (fleet != null) fleet.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
