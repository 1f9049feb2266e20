/// Every rule buildx-doctor runs, in the order `rules` lists them.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        CacheExportUnsupportedByDriver(),
        MultiPlatformUnsupportedByDriver(),
        CacheSpecInvalid(),
        CacheTypeUnknown(),
        CacheRefLooksLikeType(),
        CacheAttributeMissing(),
        LocalCacheUnboundedGrowth(),
        CacheImportUnsupportedByDriver(),
        AttestationUnsupportedByDriver(),
        LoadMultiPlatform(),
        ExporterUnsupportedByDriver(),
        CacheAttributeUnknown(),
        CacheAttributeInvalidValue(),
        InlineCacheModeMax(),
        CacheExportDuplicate(),
        CacheExportNeverImported(),
        CacheModeMinMultiStage(),
        LocalCacheNotPersisted(),
        LocalCacheResetUnsupported(),
        GHACacheScopeCollision(),
        GHACacheLegacyService(),
        GHACacheWithoutRuntime(),
        RegistryRefUppercase(),
        RegistryCacheOverwritesImage(),
        RegistryPushPermissionMissing(),
        CacheExportOnForkPullRequest(),
        BuildKitImageUnpinned(),
        ActionInputUnknown(),
        ActionVersionOutdated(),
    ]

    /// Findings that are not produced by a rule of the registry but share its reporting.
    public static let yamlSyntax = RuleDescription(
        id: "yaml-syntax", severity: .error, summary: "The file is not valid YAML.",
        explanation: """
            GitHub rejects a workflow that is not valid YAML before any job starts, so nothing in the file \
            runs. buildx-doctor reports the first syntax error libyaml finds, at its position, and checks the \
            other files as usual.

            Fix the syntax at the reported line; the message is libyaml's own.
            """,
        helpURI: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax",
        triggeringExamples: [], nonTriggeringExamples: [])

    /// The rule with this id.
    public static func rule(id: String) -> (any Rule)? {
        all.first { $0.description.id == id }
    }

    /// Every description, including `yaml-syntax`, `bake-definition-invalid` and the findings about suppression comments.
    public static var descriptions: [RuleDescription] {
        all.map(\.description) + [yamlSyntax, BakeDefinitionRule.description] + Suppressions.descriptions
    }
}
