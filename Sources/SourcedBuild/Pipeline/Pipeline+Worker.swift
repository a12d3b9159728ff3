extension Pipeline {
    /// `sourced worker`: limits its own address space, then parses pages sent on standard
    /// input until it closes (see `WorkerProtocol`).
    package static func runWorker(memoryLimitMB: Int) {
        WorkerProtocol.run(memoryLimitMB: memoryLimitMB)
    }
}
