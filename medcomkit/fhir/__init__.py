"""HL7 FHIR messages: CareCommunication and Acknowledgement (MedCom, FHIR R4).

Importing this package costs fhir.resources and fhirpathpy only when a submodule that needs them
is used; the OIOXML path never imports it.
"""
