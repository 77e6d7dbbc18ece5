import Testing

@testable import CPUBackend

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Softmax's own exponential against libm's, over every input it can get (a row's maximum is subtracted first).
struct SoftmaxTests {
    @Test func exponentialIsWithinTwoUlpsOfLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x <= 0 {
            let expected = expf(x)
            worst = max(worst, abs(Softmax.exponential(x) - expected) / expected.ulp)
            x += 0.000_37
        }
        #expect(worst <= 2, "largest error \(worst) ulp")
        #expect(Softmax.exponential(0) == 1)
        #expect(Softmax.exponential(-1000) > 0)
    }
}
