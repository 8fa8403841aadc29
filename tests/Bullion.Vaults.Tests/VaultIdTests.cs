namespace Bullion.Vaults.Tests;

public class VaultIdTests
{
    [Theory]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("0F8FAD5B-D9CB-469F-A165-70867728950E")]
    public void A_hyphenated_uuid_parses_and_names_its_file(string text)
    {
        var id = VaultId.Parse(text);
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", id.ToString());
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e.db", id.FileName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("..")]
    [InlineData("../0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e/..")]
    [InlineData("..\\0f8fad5b-d9cb-469f-a165-7086772895")]
    [InlineData("/etc/passwd")]
    [InlineData(" 0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e ")]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950g")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e\0")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e.db")]
    public void Anything_but_a_uuid_is_refused_with_a_named_error(string? text)
    {
        Assert.False(VaultId.TryParse(text, out _));
        var error = Assert.Throws<InvalidVaultIdException>(() => VaultId.Parse(text));
        Assert.Contains("is not a vault id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_junk_id_is_shortened_in_the_error()
    {
        var error = Assert.Throws<InvalidVaultIdException>(() => VaultId.Parse(new string('x', 10_000)));
        Assert.True(error.Message.Length < 200);
    }

    [Fact]
    public void New_ids_are_distinct_and_never_empty()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => VaultId.New()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.DoesNotContain(ids, id => id.Value == Guid.Empty);
    }
}
