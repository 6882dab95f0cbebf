using Assets.Storage.Roots;

namespace Assets.Storage.Tests.Roots;

public sealed class StorageRootTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "assets-root-tests");

    [Fact]
    public void Parse_RelativeFolder_IsResolvedAgainstTheBaseDirectory()
        => Assert.Equal(new LocalStorageRoot(Path.Combine(Base, ".assets")), StorageRoot.Parse("./.assets", Base));

    [Theory]
    [InlineData("s3://my-bucket", "my-bucket", "")]
    [InlineData("s3://my-bucket/", "my-bucket", "")]
    [InlineData("s3://my.bucket/team/assets/", "my.bucket", "team/assets")]
    public void Parse_S3Location_SplitsBucketAndPrefix(string text, string bucket, string prefix)
    {
        var root = Assert.IsType<S3StorageRoot>(StorageRoot.Parse(text, Base));
        Assert.Equal((bucket, prefix), (root.Bucket, root.Prefix));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("s3://Upper_Case", "not a valid S3 bucket name")]
    [InlineData("s3://ab", "not a valid S3 bucket name")]
    [InlineData("s3://bucket/../escape", "'..' segment")]
    [InlineData("s3://bucket/a//b", "empty, '.' or '..' segment")]
    [InlineData("gs://bucket/x", "scheme Assets does not know")]
    [InlineData("./data\u0000", "control character")]
    public void Parse_InvalidRoot_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(StorageRoot.TryParse(text, Base, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
