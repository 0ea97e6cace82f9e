from __future__ import annotations

from rest_framework import serializers

from register.models import Agency, Nominal, StaffUser


class AgencyOutput(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind"]


class MeOutput(serializers.ModelSerializer[StaffUser]):
    agency = AgencyOutput()

    class Meta:
        model = StaffUser
        fields = ["username", "first_name", "last_name", "agency", "roles", "is_api_client"]


class NominalOutput(serializers.ModelSerializer[Nominal]):
    lead_agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Nominal
        fields = [
            "id",
            "family_name",
            "given_names",
            "date_of_birth",
            "lead_agency",
            "created_at",
            "updated_at",
        ]


class NominalInput(serializers.Serializer):  # type: ignore[type-arg]
    family_name = serializers.CharField(max_length=100)
    given_names = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)


class NominalUpdateInput(serializers.Serializer):  # type: ignore[type-arg]
    family_name = serializers.CharField(max_length=100, required=False)
    given_names = serializers.CharField(max_length=200, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)
