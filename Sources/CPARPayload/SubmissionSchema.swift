// Generated from schema/cpar-submission.xsd; keep the two identical (a test checks it byte for byte).

/// The submission payload schema (SPEC §6), embedded so an installed binary needs no resource bundle.
public enum SubmissionSchema {
    /// Target namespace of the payload.
    public static let namespace = "urn:cpard:submission:1"

    /// The text of `schema/cpar-submission.xsd`. To update it, paste the file between the delimiters;
    /// the blank line before the closing delimiter keeps the file's final newline.
    public static let xsd: String = #"""
<?xml version="1.0" encoding="UTF-8"?>
<!--
  cpard CPAR panel submission, version 1 (SPEC section 6).
  One document per panel per period. Patients are ordered by PHN.
  The same text is embedded in the cpard binaries (CPARPayload/SubmissionSchema.swift).
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns="urn:cpard:submission:1"
           targetNamespace="urn:cpard:submission:1"
           elementFormDefault="qualified"
           attributeFormDefault="unqualified"
           version="1">

  <xs:element name="Submission" type="SubmissionType"/>

  <xs:complexType name="SubmissionType">
    <xs:sequence>
      <xs:element name="SubmissionId" type="UUIDType"/>
      <xs:element name="Period" type="PeriodType"/>
      <xs:element name="Created" type="UTCDateTimeType"/>
      <xs:element name="Site" type="SiteType"/>
      <xs:element name="Panel" type="PanelType"/>
      <xs:element name="Facilities" type="FacilitiesType"/>
      <xs:element name="Practitioners" type="PractitionersType"/>
      <xs:element name="Patients" type="PatientsType"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="SiteType">
    <xs:sequence>
      <xs:element name="SiteId" type="IdentifierType"/>
      <xs:element name="Name" type="LabelType"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="PanelType">
    <xs:sequence>
      <xs:element name="Number" type="PanelNumberType"/>
      <xs:element name="Name" type="LabelType"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="FacilitiesType">
    <xs:sequence>
      <xs:element name="Facility" type="FacilityIdType" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="PractitionersType">
    <xs:sequence>
      <xs:element name="Practitioner" type="PractitionerType" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="PractitionerType">
    <xs:sequence>
      <xs:element name="PractitionerId" type="IdentifierType"/>
      <xs:element name="FamilyName" type="xs:string"/>
      <xs:element name="GivenName" type="xs:string"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="PatientsType">
    <xs:sequence>
      <xs:element name="Patient" type="PatientType" maxOccurs="unbounded"/>
    </xs:sequence>
    <!-- The number of Patient elements. -->
    <xs:attribute name="count" type="xs:positiveInteger" use="required"/>
  </xs:complexType>

  <xs:complexType name="PatientType">
    <xs:sequence>
      <xs:element name="Phn" type="PHNType"/>
      <xs:element name="FamilyName" type="FamilyNameType"/>
      <xs:element name="GivenName" type="xs:string"/>
      <xs:element name="BirthDate" type="DateType"/>
      <xs:element name="Gender" type="GenderType"/>
      <xs:element name="LastVisitDate" type="DateType"/>
      <xs:element name="ConfirmationDate" type="DateType"/>
    </xs:sequence>
  </xs:complexType>

  <!-- Simple types. [0-9] rather than \d: \d also matches non-ASCII digits. -->

  <xs:simpleType name="UUIDType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- YYYY-MM -->
  <xs:simpleType name="PeriodType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{4}-(0[1-9]|1[0-2])"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- A UTC time to the second: YYYY-MM-DDThh:mm:ssZ -->
  <xs:simpleType name="UTCDateTimeType">
    <xs:restriction base="xs:dateTime">
      <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- A calendar date, YYYY-MM-DD, without time zone. -->
  <xs:simpleType name="DateType">
    <xs:restriction base="xs:date">
      <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- Site and practitioner IDs: 1 to 64 characters, no line breaks, no leading or trailing white space. -->
  <xs:simpleType name="IdentifierType">
    <xs:restriction base="xs:string">
      <xs:minLength value="1"/>
      <xs:maxLength value="64"/>
      <xs:pattern value="[^\s](.*[^\s])?"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- Site and panel names: 1 to 255 characters. -->
  <xs:simpleType name="LabelType">
    <xs:restriction base="xs:string">
      <xs:minLength value="1"/>
      <xs:maxLength value="255"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="PanelNumberType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{1,10}"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- Facility IDs, zero-padded to at least 6 digits. -->
  <xs:simpleType name="FacilityIdType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{6,20}"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- Alberta personal health number: exactly 9 digits. -->
  <xs:simpleType name="PHNType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{9}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="FamilyNameType">
    <xs:restriction base="xs:string">
      <xs:minLength value="1"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="GenderType">
    <xs:restriction base="xs:string">
      <xs:enumeration value="M"/>
      <xs:enumeration value="F"/>
      <xs:enumeration value="X"/>
    </xs:restriction>
  </xs:simpleType>

</xs:schema>

"""#
}
