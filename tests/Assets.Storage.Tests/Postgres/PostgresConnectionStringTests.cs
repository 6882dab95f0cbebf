using Assets.Storage.Metadata.Postgres;

namespace Assets.Storage.Tests.Postgres;

public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgresql://assets@db:5432/assets", true)]
    [InlineData("postgres://assets@db/assets", true)]
    [InlineData("Host=db;Database=assets;Username=assets", true)]
    [InlineData("server=db;database=assets", true)]
    [InlineData("/var/lib/assets/_meta/assets.duckdb", false)]
    [InlineData("meta=1.duckdb", false)]
    [InlineData("", false)]
    public void IsPostgres_TellsConnectionStringsFromFilePaths(string metadata, bool expected)
        => Assert.Equal(expected, PostgresConnectionString.IsPostgres(metadata));

    [Fact]
    public void Parse_Uri_TakesUserPasswordHostPortDatabaseAndLibpqParameters()
    {
        var builder = PostgresConnectionString.Parse("postgresql://assets:p%40ss%3Aword@db.internal:6432/lake?sslmode=require&application_name=worker");

        Assert.Equal(("assets", "p@ss:word", "db.internal", 6432, "lake"), (builder.Username, builder.Password, builder.Host, builder.Port, builder.Database));
        Assert.Equal(Npgsql.SslMode.Require, builder.SslMode);
        Assert.Equal("worker", builder.ApplicationName);
    }

    [Fact]
    public void Parse_KeyValues_KeepsThem_AndNamesTheApplication()
    {
        var builder = PostgresConnectionString.Parse("Host=db;Database=assets;Username=assets");

        Assert.Equal(("db", 5432, "assets", "assets"), (builder.Host, builder.Port, builder.Database, builder.ApplicationName));
    }

    [Theory]
    [InlineData("postgresql://assets:secret@db/assets?nonsense=1", "nonsense")]
    [InlineData("Host=db;Colour=blue;Password=secret", "not valid Npgsql key=value")]
    [InlineData("Database=assets;Password=secret;Host=", "names no host")]
    public void Parse_Malformed_SaysWhatIsWrong_WithoutThePassword(string metadata, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnectionString.Parse(metadata));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
