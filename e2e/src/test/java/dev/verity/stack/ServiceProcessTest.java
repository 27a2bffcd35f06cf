package dev.verity.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceProcessTest {

    @Test
    void servicesGetTheDefaultJvmOptionsUnlessTheEnvironmentReplacesThem() {
        assertThat(ServiceProcess.jvmOptions(null)).isEqualTo(ServiceProcess.DEFAULT_JVM_OPTIONS)
                .contains("-Xmx256m", "-XX:+UseSerialGC");
        assertThat(ServiceProcess.jvmOptions("  ")).isEqualTo(ServiceProcess.DEFAULT_JVM_OPTIONS);
        assertThat(ServiceProcess.jvmOptions(" -Xmx200m  -XX:+UseG1GC\t-XX:G1PeriodicGCInterval=15000 "))
                .containsExactly("-Xmx200m", "-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=15000");
    }
}
