/// Namespace for the `CarShop` module; its contents land with its issue (see docs/architecture.md).
public enum CarShopModule {}
