extension BuildPlan {
    /// Every cache entry of every build, in source order, with where it belongs.
    var cacheEntries: [(job: Job, step: Step, build: BuildInvocation, entry: CacheEntry)] {
        builds.flatMap { job, step, build in build.cacheEntries.map { (job, step, build, $0) } }
    }
}
